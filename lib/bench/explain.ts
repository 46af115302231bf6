import pg from "pg";
import { getCaseDetail } from "../cases/detail";
import { listCases } from "../cases/queries";
import { connectPg } from "../db/connect";
import { claimStatement } from "../jobs/queue";
import { DEFAULT_THRESHOLDS } from "../policy/route";
import { whatIf } from "../policy/whatif";
import { claimNext, laneCounts, listQueue } from "../review/queries";
import { BENCH_SERVER } from "./db";

/**
 * npx tsx lib/bench/explain.ts [--db bench_whatif] [--only jobs]
 * EXPLAIN (ANALYZE, BUFFERS) of every hot query, on the 1M-decision database that
 * `npm run bench:whatif -- --keep` leaves behind. Each page's function runs once with the SQL it
 * sends recorded (Prisma's own statements included); every statement is then explained in a
 * transaction that replays the same SET LOCALs and is rolled back, so "next case" claims nothing.
 * Prepares the data the queue and the case page need once (5% of cases open, one audit event per
 * open case), with every trigger off for that step: the what-if facts of the reopened cases stay
 * as they were (plans do not depend on it; run whatif_rebuild() to make them exact again).
 * The job claim gets its own queue when "Job" is empty: 1M jobs, a backlog of ~98,000 due
 * (`--only jobs` explains just that, on any migrated database).
 */
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const url = new URL(BENCH_SERVER);
url.pathname = `/${arg("db", "bench_whatif")}`;
const NOW = new Date(Date.UTC(2026, 11, 1, 0, 0, 0));

interface Sent {
  text: string;
  values: unknown[];
}
let recording: Sent[] | null = null;
const original = pg.Client.prototype.query;
// Records what the adapter sends; Pool.query goes through Client.query as well.
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0] as string | { text: string; values?: unknown[] };
  if (recording) {
    const text = typeof first === "string" ? first : first.text;
    const values = (typeof first === "string" ? (args[1] as unknown[] | undefined) : first.values) ?? [];
    recording.push({ text, values });
  }
  return (original as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

async function record(fn: () => Promise<unknown>): Promise<Sent[]> {
  recording = [];
  try {
    await fn();
    return recording;
  } finally {
    recording = null;
  }
}

async function prepare(client: pg.Client) {
  const [{ done }] = (await client.query<{ done: boolean }>(`SELECT EXISTS (SELECT 1 FROM "AuditEvent") AS done`)).rows as [{ done: boolean }];
  if (done) return;
  const t0 = performance.now();
  await client.query(`
    -- Every trigger off for this set-up (other features' rollups and the audit chain included);
    -- the what-if facts are rebuilt below. This database is for plans, not for those features.
    ALTER TABLE "Case" DISABLE TRIGGER USER;
    ALTER TABLE "AuditEvent" DISABLE TRIGGER USER;
    -- 5% of cases open, as in bench:queue: every 20th case, 1 in 20 of them escalated, reasons by lane.
    UPDATE "Case" SET status = (CASE WHEN substr(id, 2)::int % 400 = 0 THEN 'ESCALATED' ELSE 'REVIEW' END)::"CaseStatus",
           "routeReasons" = CASE (substr(id, 2)::int / 40) % 4 WHEN 0 THEN ARRAY['GREY_BAND','AI_RECOMMENDS_REVIEW'] WHEN 1 THEN ARRAY['LOW_CONFIDENCE']
                                 WHEN 2 THEN ARRAY['ABOVE_AMOUNT_LIMIT'] ELSE ARRAY['AI_UNAVAILABLE'] END,
           "decidedById" = NULL, "decidedAt" = NULL, "handlingMs" = NULL,
           "disputeDeadline" = CASE WHEN kind = 'DISPUTE' THEN "createdAt" + interval '10 days' END
    WHERE id LIKE 'c%' AND substr(id, 2)::int % 20 = 0;
    -- The case page's timeline: one audit event per open case.
    INSERT INTO "AuditEvent"("merchantId", "actorId", action, "targetType", "targetId", after, "createdAt")
    SELECT "merchantId", NULL, 'case.routed', 'case', id, jsonb_build_object('route', route), "createdAt" FROM "Case" WHERE status IN ('REVIEW', 'ESCALATED');
    ALTER TABLE "Case" ENABLE TRIGGER USER;
    ALTER TABLE "AuditEvent" ENABLE TRIGGER USER;`);
  await client.query(`VACUUM ANALYZE "Case"`);
  await client.query(`VACUUM ANALYZE "AuditEvent"`);
  console.log(`prepared: 5% of cases open, 1 audit event per open case (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

/**
 * One job per case of a long history: 90% done, a backlog of ~98,000 due (9.8%), some backing
 * off, 0.1% failed, 0.1% running (one in seven of those with an expired lease: a dead worker).
 */
async function prepareJobs(client: pg.Client) {
  const [{ done }] = (await client.query<{ done: boolean }>(`SELECT EXISTS (SELECT 1 FROM "Job") AS done`)).rows as [{ done: boolean }];
  if (done) return;
  const t0 = performance.now();
  await client.query(`
    INSERT INTO "Job"(id, "merchantId", kind, "caseId", status, "runAt", attempts, "leaseUntil", "lockedBy", "createdAt", "updatedAt")
    SELECT 'j' || g, CASE WHEN g % 2 = 0 THEN 'm-a' ELSE 'm-b' END, 'assess', 'c' || g,
           (CASE WHEN g % 10 <> 0 THEN 'DONE' WHEN g % 1000 = 10 THEN 'FAILED' WHEN g % 1000 = 20 THEN 'RUNNING' ELSE 'QUEUED' END)::"JobStatus",
           now() - interval '1 second' * (1000000 - g) + CASE WHEN g > 990000 AND g % 100 = 30 THEN interval '5 minutes' ELSE interval '0' END,
           1,
           CASE WHEN g % 1000 = 20 THEN now() + CASE WHEN g % 7 = 0 THEN -interval '1 minute' ELSE interval '1 minute' END END,
           CASE WHEN g % 1000 = 20 THEN 'w-other' END,
           now(), now()
    FROM generate_series(1, 1000000) g`);
  await client.query(`VACUUM ANALYZE "Job"`);
  console.log(`prepared: 1,000,000 jobs, ~98,000 due (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

const SKIP = /^\s*(BEGIN|COMMIT|ROLLBACK|DEALLOCATE|SAVEPOINT|RELEASE)/i;
const SETTING = /^\s*(SET\s|SELECT set_config)/i;

async function explain(client: pg.Client, name: string, sent: Sent[]) {
  console.log(`\n===== ${name}`);
  await client.query("BEGIN");
  try {
    for (const s of sent) {
      if (SKIP.test(s.text)) continue;
      if (SETTING.test(s.text)) {
        await client.query(s.text, s.values);
        console.log(`-- ${s.text.trim()}`);
        continue;
      }
      const plan = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.values);
      console.log(`-- ${s.text.replace(/\s+/g, " ").trim().slice(0, 400)}`);
      console.log(`-- params: ${JSON.stringify(s.values).slice(0, 200)}`);
      for (const row of plan.rows) console.log(`   ${row["QUERY PLAN"]}`);
    }
  } finally {
    await client.query("ROLLBACK");
  }
}

async function main() {
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const conn = connectPg(url.toString(), { max: 2 });
  try {
    await prepareJobs(client);
    // claimJobs sends exactly this statement; explaining it directly (rolled back) claims nothing.
    const claim = claimStatement("w-explain", 4);
    await explain(client, "job claim (claimJobs, 4 at a time; explained and rolled back)", [{ text: claim.text, values: claim.values }]);
    if (arg("only", "") === "jobs") return;
    await prepare(client);
    const [{ id: openCase }] = (await client.query<{ id: string }>(`SELECT id FROM "Case" WHERE "merchantId" = 'm-a' AND status = 'REVIEW' ORDER BY "createdAt" DESC LIMIT 1`)).rows as [{ id: string }];
    const [{ id: oldCase }] = (await client.query<{ id: string }>(`SELECT "caseId" AS id FROM "AiDecision" WHERE "merchantId" = 'm-a' AND id LIKE 'e%' LIMIT 1`)).rows as [{ id: string }];
    const p = conn.prisma;
    const candidate = { ...DEFAULT_THRESHOLDS, version: 2, autoApproveBelow: 0.25, confidenceFloor: 0.8, hitlLimitFen: 30_000, highRiskAction: "REVIEW" as const, overrides: { teaware: { hitlLimitFen: 10_000, autoRejectAtOrAbove: 0.6 } } };
    const pages: [string, () => Promise<unknown>][] = [
      ["review queue, first page (listQueue)", () => listQueue(p, "m-a", {})],
      ["review queue, a lane's page (listQueue, low_confidence)", () => listQueue(p, "m-a", { lane: "low_confidence" })],
      ["lane counts (laneCounts)", () => laneCounts(p, "m-a")],
      ["next case (claimNext; explained and rolled back)", () => claimNext(p, "m-a", "u-1", {}, NOW)],
      [`case page (getCaseDetail, open case ${openCase})`, () => getCaseDetail(p, "m-a", openCase)],
      [`case page (getCaseDetail, case with two decisions ${oldCase})`, () => getCaseDetail(p, "m-a", oldCase)],
      ["case list, first page (listCases)", () => listCases(p, "m-a", { page: 1 })],
      ["case list, page 50 filtered by status (listCases)", () => listCases(p, "m-a", { page: 50, status: "REFUNDED" })],
      ["what-if, 90 days (whatIf)", () => whatIf(p, "m-a", { current: DEFAULT_THRESHOLDS, candidate, days: 90, now: NOW })],
      ["what-if, 7 days (whatIf)", () => whatIf(p, "m-a", { current: DEFAULT_THRESHOLDS, candidate, days: 7, now: NOW })],
    ];
    for (const [name, fn] of pages) {
      let sent: Sent[];
      try {
        await fn(); // warm
        sent = await record(fn);
      } catch (err) {
        console.log(`\n===== ${name}\n-- failed on this run: ${(err as Error).message.split("\n").filter(Boolean).at(-1)}`);
        continue;
      }
      // claimNext really claimed: give it back before explaining the same statement.
      if (name.startsWith("next case")) await client.query(`UPDATE "Case" SET "claimedById" = NULL, "claimedAt" = NULL, "claimExpiresAt" = NULL WHERE "claimedById" = 'u-1'`);
      await explain(client, name, sent);
    }
  } finally {
    await conn.close();
    await client.end();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
