import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../testing/db";
import { claimJobs, claimStatement, holdLease } from "./queue";

// One database for the file; every test starts from an empty job table.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.dispose());
beforeEach(() => t.prisma.job.deleteMany());

describe("claimJobs", () => {
  const ago = (s: number) => new Date(Date.now() - s * 1000);
  const job = (caseId: string, data: { status?: "QUEUED" | "RUNNING" | "DONE" | "FAILED"; runAt: Date; leaseUntil?: Date; lockedBy?: string }) =>
    t.prisma.job.create({ data: { merchantId: "m-1", kind: "assess", caseId, attempts: 1, ...data } });

  it("takes due queued jobs and expired leases together, oldest runAt first, and nothing else", async () => {
    await job("queued-old", { runAt: ago(300) });
    await job("expired", { status: "RUNNING", runAt: ago(200), leaseUntil: ago(10), lockedBy: "w-dead" });
    await job("queued-new", { runAt: ago(100) });
    await job("queued-later", { runAt: ago(-300) });
    await job("live-lease", { status: "RUNNING", runAt: ago(900), leaseUntil: ago(-60), lockedBy: "w-alive" });
    await job("done", { status: "DONE", runAt: ago(1000) });
    await job("failed", { status: "FAILED", runAt: ago(1000) });

    const first = await claimJobs(t.prisma, "w-1", 2);
    expect(first.map((j) => j.caseId).sort()).toEqual(["expired", "queued-old"]);
    expect(first.every((j) => j.attempts === 2)).toBe(true);
    expect((await claimJobs(t.prisma, "w-2", 10)).map((j) => j.caseId)).toEqual(["queued-new"]);
    expect(await claimJobs(t.prisma, "w-3", 10)).toEqual([]);

    const rows = await t.prisma.job.findMany({ select: { caseId: true, status: true, lockedBy: true }, orderBy: { caseId: "asc" } });
    expect(rows).toEqual([
      { caseId: "done", status: "DONE", lockedBy: null },
      { caseId: "expired", status: "RUNNING", lockedBy: "w-1" },
      { caseId: "failed", status: "FAILED", lockedBy: null },
      { caseId: "live-lease", status: "RUNNING", lockedBy: "w-alive" },
      { caseId: "queued-later", status: "QUEUED", lockedBy: null },
      { caseId: "queued-new", status: "RUNNING", lockedBy: "w-2" },
      { caseId: "queued-old", status: "RUNNING", lockedBy: "w-1" },
    ]);
  });

  it("prefers an older queued job to a newer expired lease when the batch is full", async () => {
    await job("expired-new", { status: "RUNNING", runAt: ago(10), leaseUntil: ago(1), lockedBy: "w-dead" });
    await job("queued-old", { runAt: ago(300) });
    expect((await claimJobs(t.prisma, "w-1", 1)).map((j) => j.caseId)).toEqual(["queued-old"]);
    expect((await claimJobs(t.prisma, "w-1", 1)).map((j) => j.caseId)).toEqual(["expired-new"]);
  });

  it("hands each job to exactly one of several concurrent claimers", async () => {
    for (let i = 0; i < 30; i++) await job(`c-${i}`, { runAt: ago(100 - i) });
    const claimed: string[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (;;) {
          const got = await claimJobs(t.prisma, `w-${w}`, 3);
          if (got.length === 0) return;
          claimed.push(...got.map((j) => j.caseId));
        }
      }),
    );
    expect(claimed.length).toBe(30);
    expect(new Set(claimed).size).toBe(30);
  });

  it("reads about `limit` rows of a long queue, not every due job", { timeout: 60_000 }, async () => {
    const now = Date.now();
    await t.prisma.job.createMany({
      data: Array.from({ length: 4000 }, (_, i) => ({
        merchantId: "m-1",
        kind: "assess",
        caseId: `q-${i}`,
        status: i % 4 === 0 ? ("QUEUED" as const) : ("DONE" as const),
        runAt: new Date(now - 3_600_000 + i * 100),
      })),
    });
    await t.prisma.$executeRawUnsafe(`ANALYZE "Job"`);
    const statement = claimStatement("w-plan", 4);
    const rolledBack = new Error("roll back");
    let plan: PlanNode | undefined;
    await t.prisma
      .$transaction(async (tx) => {
        const rows = await tx.$queryRawUnsafe<{ "QUERY PLAN": unknown }[]>(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, ...statement.values);
        const json = rows[0]!["QUERY PLAN"];
        plan = (typeof json === "string" ? JSON.parse(json) : json)[0].Plan as PlanNode;
        throw rolledBack;
      })
      .catch((e: unknown) => {
        if (e !== rolledBack) throw e;
      });
    const scans = nodes(plan!).filter((n) => n["Node Type"].endsWith("Scan") && n["Relation Name"] === "Job" && n["Index Name"] !== "Job_pkey");
    expect(scans.length).toBeGreaterThan(0);
    expect(scans.map((n) => n["Node Type"]).filter((type) => type !== "Index Scan")).toEqual([]);
    // per walk: the 4 it claims (and maybe a few it skips), never the 1,000 due jobs
    for (const n of scans) expect(n["Actual Rows"]).toBeLessThanOrEqual(8);
  });
});

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows": number;
  Plans?: PlanNode[];
}

function nodes(n: PlanNode): PlanNode[] {
  return [n, ...(n.Plans ?? []).flatMap(nodes)];
}

describe("holdLease", () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // Long enough that a loaded CI machine still renews in time (a renewal is due every LEASE / 3).
  const LEASE = 3_000;
  const claimOne = async (workerId: string) => {
    await t.prisma.job.create({ data: { merchantId: "m-1", kind: "assess", caseId: `c-${workerId}`, runAt: new Date(Date.now() - 1000) } });
    const [job] = await claimJobs(t.prisma, workerId, 1, LEASE);
    return job!;
  };

  it("keeps a live worker's job from being taken over past its lease, and lets it go once stopped", async () => {
    const job = await claimOne("w-slow");
    const stop = holdLease(t.prisma, job, "w-slow", { leaseMs: LEASE });
    try {
      await sleep(LEASE * 2.5);
      expect(await claimJobs(t.prisma, "w-other", 1, LEASE)).toEqual([]);
    } finally {
      stop();
    }
    await sleep(LEASE * 1.5);
    expect((await claimJobs(t.prisma, "w-other", 1, LEASE)).map((j) => j.id)).toEqual([job.id]);
  });

  it("holds a job at most maxHoldMs, so a hung worker cannot keep it forever", async () => {
    const job = await claimOne("w-hung");
    const stop = holdLease(t.prisma, job, "w-hung", { leaseMs: LEASE, maxHoldMs: LEASE * 1.5 });
    try {
      await sleep(LEASE * 3);
      expect((await claimJobs(t.prisma, "w-other", 1, LEASE)).map((j) => j.id)).toEqual([job.id]);
    } finally {
      stop();
    }
  });

  it("stops renewing a lease that another worker holds, and never writes over it", async () => {
    const job = await claimOne("w-lost");
    await t.prisma.job.update({ where: { id: job.id }, data: { lockedBy: "w-new", leaseUntil: new Date(Date.now() + 60_000) } });
    const stop = holdLease(t.prisma, job, "w-lost", { leaseMs: LEASE });
    try {
      await sleep(LEASE);
      const row = await t.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
      expect(row.lockedBy).toBe("w-new");
      expect(row.leaseUntil!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    } finally {
      stop();
    }
  });
});
