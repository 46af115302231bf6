import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../testing/db";
import { csvField, csvLine } from "./csv";
import { diffJson } from "./diff";
import { auditBatches, auditFacets, listAuditEvents } from "./queries";
import { auditQuery, parseAuditFilters, type AuditFilters } from "./schemas";
import { nextDay, zonedDayStart } from "./zone";

const M = "m-view";
const TZ = "Asia/Shanghai";

describe("audit viewer helpers", () => {
  it("diffs before and after by path", () => {
    expect(diffJson({ status: "REVIEW", amount: { fen: 100 }, note: "x" }, { status: "APPROVED", amount: { fen: 100 }, tags: ["a"] })).toEqual([
      { path: "note", kind: "removed", before: "x" },
      { path: "status", kind: "changed", before: "REVIEW", after: "APPROVED" },
      { path: "tags", kind: "added", after: ["a"] },
    ]);
    expect(diffJson(null, { route: "REVIEW" })).toEqual([{ path: "route", kind: "added", after: "REVIEW" }]);
    expect(diffJson(null, null)).toEqual([]);
  });

  it("writes CSV that a spreadsheet cannot run", () => {
    expect(csvField('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("-1")).toBe("'-1");
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvLine([1, null, "x"])).toBe("1,,x\r\n");
  });

  it("turns a calendar day in the merchant's zone into an instant", () => {
    expect(zonedDayStart("2026-12-01", TZ).toISOString()).toBe("2026-11-30T16:00:00.000Z");
    expect(zonedDayStart("2026-03-08", "America/New_York").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(zonedDayStart("2026-03-09", "America/New_York").toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
  });

  it("refuses bad filters and keeps good ones in links", () => {
    expect(parseAuditFilters({ action: "DROP TABLE" }).success).toBe(false);
    expect(parseAuditFilters({ from: "2026-13" }).success).toBe(false);
    expect(parseAuditFilters({ from: "2026-12-02", to: "2026-12-01" }).success).toBe(false);
    expect(parseAuditFilters({ before: "12" }).success).toBe(false);
    const ok = parseAuditFilters({ action: "case.approved", actor: "", target: "c1" });
    expect(ok.success && auditQuery(ok.data, { before: "1.2" })).toBe("?action=case.approved&target=c1&before=1.2");
  });
});

describe("audit viewer queries", () => {
  let t: TestDb;
  let alice: string;
  const at = (day: number, h: number) => new Date(Date.UTC(2026, 10, day, h));
  const q = (f: Partial<AuditFilters>, limit?: number) => listAuditEvents(t.prisma, M, f, TZ, limit ? { limit } : undefined);

  beforeAll(async () => {
    t = await createTestDb();
    await t.prisma.merchant.createMany({ data: [{ id: M, name: "Viewer Co" }, { id: "m-else", name: "Else" }] });
    alice = (await t.prisma.user.create({ data: { email: "alice@x.test", name: "Alice", passwordHash: "x" } })).id;
    await t.prisma.membership.create({ data: { merchantId: M, userId: alice, role: "AUDITOR" } });
    await t.prisma.case.create({
      data: { id: "case-1", merchantId: M, kind: "REFUND", outTradeNo: "ORDER-1", outRequestNo: "R1", paidAmountFen: 1, requestedAmountFen: 1, reasonText: "x", customerId: "c", merchantCategory: "tea" },
    });
    // 30 events over three days (UTC 20:00 on the 1st is already the 2nd in Shanghai), one at the same instant as another
    const data = Array.from({ length: 30 }, (_, i) => ({
      merchantId: M,
      actorId: i % 3 === 0 ? null : alice,
      action: i % 2 ? "case.approved" : "case.created",
      targetType: "case",
      targetId: i < 5 ? "case-1" : `case-x${i}`,
      before: i % 2 ? { status: "REVIEW" } : undefined,
      after: { i },
      createdAt: i === 29 ? at(1, 2) : at(1 + Math.floor(i / 10), 2 + (i % 10) * 2),
    }));
    await t.prisma.auditEvent.createMany({ data });
    await t.prisma.auditEvent.create({ data: { merchantId: "m-else", action: "case.created", targetType: "case", targetId: "case-1" } });
  });
  afterAll(() => t.dispose());

  it("pages newest first by keyset without gaps or repeats, and only this merchant's events", async () => {
    const seen: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await q({ before }, 7);
      seen.push(...page.rows.map((r) => r.id));
      if (!page.next) break;
      before = page.next;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    const all = await t.prisma.auditEvent.findMany({ where: { merchantId: M }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    expect(seen).toEqual(all.map((e) => String(e.id)));
    const first = (await q({}, 1)).rows[0]!;
    expect(first.seq).toMatch(/^\d+$/);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("filters by actor, system, action, case id or order number, and days in the merchant's zone", async () => {
    expect((await q({ actor: alice })).rows.every((r) => r.actorId === alice && r.actorName === "Alice <alice@x.test>")).toBe(true);
    expect((await q({ actor: "system" })).rows).toHaveLength(10);
    expect((await q({ action: "case.approved" })).rows).toHaveLength(15);
    expect((await q({ target: "case-1" })).rows).toHaveLength(5);
    expect((await q({ target: "ORDER-1" })).rows).toHaveLength(5);
    // Nov 2 in Shanghai = Nov 1 16:00Z .. Nov 2 16:00Z
    const day = (await q({ from: "2026-11-02", to: "2026-11-02" })).rows;
    expect(day.length).toBeGreaterThan(0);
    for (const r of day) expect(r.createdAt >= new Date("2026-11-01T16:00:00Z") && r.createdAt < new Date("2026-11-02T16:00:00Z")).toBe(true);
    expect(day).toHaveLength(await t.prisma.auditEvent.count({ where: { merchantId: M, createdAt: { gte: new Date("2026-11-01T16:00:00Z"), lt: new Date("2026-11-02T16:00:00Z") } } }));
    expect((await q({ actor: alice, action: "case.created", target: "case-1" })).rows.map((r) => r.after)).toEqual([{ i: 4 }, { i: 2 }]);
  });

  it("exports every matching row in batches, and lists facets", async () => {
    const batches: number[] = [];
    for await (const b of auditBatches(t.prisma, M, { action: "case.created" }, TZ, 4)) batches.push(b.length);
    expect(batches).toEqual([4, 4, 4, 3]);
    const facets = await auditFacets(t.prisma, M);
    expect(facets).toEqual({ actors: [{ id: alice, label: "Alice <alice@x.test>" }], actions: ["case.approved", "case.created"] });
  });
});
