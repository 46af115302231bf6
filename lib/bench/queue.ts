import type { Connection } from "../db/connect";
import { drainOnce } from "../jobs/worker";
import { claimNext, laneCounts, listQueue } from "../review/queries";
import { releaseCase } from "../review/service";
import type { TestDb } from "../testing/db";
import { makeCase, workflowHarness } from "../testing/workflow";
import { freshBenchDb } from "./db";
import { REBUILDS } from "./generate-load";
import { printResult, type ResultRow } from "./report";
import { measure, ms } from "./stats";

/**
 * npm run bench:queue [-- --sizes 10000,1000000 --iterations 200]
 * On the PostgreSQL server (BENCH_DATABASE_URL, default the local one): queue first page, lane
 * counts and "next case" at each size with 5% of cases open over 2 merchants, then end-to-end
 * assessment throughput of one worker against the sandbox at zero latency.
 */
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const sizes = arg("sizes", "10000,1000000").split(",").map(Number);
const iterations = Number(arg("iterations", "200"));

const freshDb = (name: string) => freshBenchDb(name);

/**
 * Loaded as a bulk loader should (docs/scaling.md): triggers off for the bulk rows, then the
 * rollups rebuilt, as db:generate-load does. One INSERT of 1,000,000 cases with every trigger on
 * was still running after 15 minutes.
 */
async function generate(conn: Connection, total: number) {
  const openEvery = 20; // 5% open
  await conn.runner.script(`
    BEGIN;
    SET LOCAL session_replication_role = replica;
    INSERT INTO "Merchant"(id, name) VALUES ('m-a', 'A'), ('m-b', 'B');
    INSERT INTO "User"(id, email, name, "passwordHash") VALUES ('u-1', 'u1@bench', 'U1', 'x'), ('u-2', 'u2@bench', 'U2', 'x');
    INSERT INTO "Case"(id, "merchantId", kind, status, "outTradeNo", "outRequestNo", "paidAmountFen", "requestedAmountFen",
                       "reasonText", "customerId", "merchantCategory", route, "routeReasons", "disputeDeadline", "createdAt", "updatedAt")
    SELECT 'c' || g,
           CASE WHEN (g / 20) % 2 = 0 THEN 'm-a' ELSE 'm-b' END,
           (CASE WHEN g % 9 = 0 THEN 'DISPUTE' ELSE 'REFUND' END)::"CaseKind",
           (CASE WHEN g % ${openEvery} = 0 THEN (CASE WHEN g % 400 = 0 THEN 'ESCALATED' ELSE 'REVIEW' END)
                 WHEN g % 3 = 0 THEN 'REJECTED' ELSE 'REFUNDED' END)::"CaseStatus",
           'T' || g, 'RF' || g, 1000 + ((g::bigint * 7919) % 90000)::int, 1000 + ((g::bigint * 7919) % 90000)::int,
           'reason', 'cust' || (g % 5000), (ARRAY['tea','teaware','gift_box'])[1 + g % 3],
           'REVIEW'::"Route",
           CASE (g / 40) % 4 WHEN 0 THEN ARRAY['GREY_BAND','AI_RECOMMENDS_REVIEW'] WHEN 1 THEN ARRAY['LOW_CONFIDENCE']
                      WHEN 2 THEN ARRAY['ABOVE_AMOUNT_LIMIT'] ELSE ARRAY['AI_UNAVAILABLE'] END,
           CASE WHEN g % 9 = 0 THEN now() + ((g % 240) || ' hours')::interval END,
           now() - ((g % 86400) || ' minutes')::interval, now()
    FROM generate_series(1, ${total}) g;
    INSERT INTO "AiDecision"(id, "merchantId", "caseId", endpoint, "conversationId", "riskScore", confidence, recommendation, "policyVersion", route, reasons)
    SELECT 'd' || c.id, c."merchantId", c.id, 'ai.refund.assess', c.id, ((c."paidAmountFen" % 1000) / 1000.0)::numeric(5,4), 0.8, 'REVIEW', 1, 'REVIEW', c."routeReasons"
    FROM "Case" c WHERE c.status IN ('REVIEW', 'ESCALATED');
    COMMIT;`);
  for (const r of REBUILDS) if (r.name !== "audit chain") await r.run(conn); // no audit events here
  // What autovacuum does after a bulk load: statistics, and the visibility map index-only scans need.
  await conn.runner.script(`VACUUM ANALYZE "Case"`);
  await conn.runner.script(`VACUUM ANALYZE "AiDecision"`);
}

const results: ResultRow[] = [];

async function queueFigures(total: number) {
  const conn = await freshDb(`bench_queue_${total}`);
  try {
    const t0 = performance.now();
    await generate(conn, total);
    const open = (await conn.runner.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Case" WHERE status IN ('REVIEW','ESCALATED')`))[0]!.n;
    console.log(`\n${total.toLocaleString("en")} cases (${open.toLocaleString("en")} open, 2 merchants), generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const page = await measure(iterations, () => listQueue(conn.prisma, "m-a", {}));
    const lanePage = await measure(iterations, () => listQueue(conn.prisma, "m-a", { lane: "low_confidence" }));
    const counts = await measure(iterations, () => laneCounts(conn.prisma, "m-a"));
    let k = 0;
    const next = await measure(iterations, async () => {
      const user = k++ % 2 ? "u-1" : "u-2";
      const id = await claimNext(conn.prisma, "m-a", user);
      if (id) await releaseCase(conn.prisma, "m-a", id, user);
    });
    const plan = await conn.runner.query<{ "QUERY PLAN": string }>(
      `EXPLAIN ANALYZE SELECT id FROM "Case" c WHERE c."merchantId" = 'm-a' AND c.status IN ('REVIEW','ESCALATED')
       ORDER BY (COALESCE(c."disputeDeadline", c."createdAt" + interval '24 hours') - LEAST(c."requestedAmountFen", 720000) * interval '60 milliseconds'), c.id LIMIT 100`,
    );
    const row = { total, open, page: page.p95, lanePage: lanePage.p95, counts: counts.p95, next: next.p95 };
    const at = `${total.toLocaleString("en")} cases`;
    const result = (measure: string, m: { p50: number; p95: number }): ResultRow => ({ measure: `${measure}, ${at}`, p50: ms(m.p50), p95: ms(m.p95), target: "p95 ≤ 30 ms", met: m.p95 <= 30 });
    results.push(result("queue first page", page), result("lane page", lanePage), result("lane counts", counts), result("next case (claim + release)", next));
    console.log(`  first page      p50 ${ms(page.p50)}  p95 ${ms(page.p95)}`);
    console.log(`  lane page       p50 ${ms(lanePage.p50)}  p95 ${ms(lanePage.p95)}`);
    console.log(`  lane counts     p50 ${ms(counts.p50)}  p95 ${ms(counts.p95)}`);
    console.log(`  next (claim)    p50 ${ms(next.p50)}  p95 ${ms(next.p95)}   (includes releasing it again)`);
    console.log(`  plan of the first page:\n${plan.map((p) => `    ${p["QUERY PLAN"]}`).join("\n")}`);
    return row;
  } finally {
    await conn.drop();
  }
}

async function throughput() {
  const conn = await freshDb("bench_queue_throughput");
  const t = { ...conn, dispose: conn.drop } as TestDb;
  const h = await workflowHarness(t, { latencyMs: [0, 0], rateLimitPerMinute: 1_000_000 });
  try {
    const n = 400;
    for (let i = 0; i < n; i++) {
      const c = await makeCase(t, h, { merchantId: "m-a", paidAmountFen: 1_000 + i });
      await conn.prisma.job.create({ data: { merchantId: "m-a", kind: "assess", caseId: c.id } });
    }
    const t0 = performance.now();
    while ((await drainOnce(h.deps, "bench", 4)) > 0) {
      /* one worker, 4 jobs in flight */
    }
    const s = (performance.now() - t0) / 1000;
    const assessed = await conn.prisma.aiDecision.count();
    console.log(`\nthroughput: ${assessed} cases assessed (2 AI calls each) in ${s.toFixed(1)} s = ${(assessed / s).toFixed(1)} cases/s for one worker (4 in flight)`);
    return assessed / s;
  } finally {
    await h.close();
    await conn.drop();
  }
}

async function main() {
  const rows = [];
  for (const size of sizes) rows.push(await queueFigures(size));
  if (rows.length >= 2) {
    const [small, big] = [rows[0]!, rows.at(-1)!];
    console.log(`\nratio ${big.total.toLocaleString("en")} / ${small.total.toLocaleString("en")} (p95): page ${(big.page / small.page).toFixed(2)}x, lane counts ${(big.counts / small.counts).toFixed(2)}x, next ${(big.next / small.next).toFixed(2)}x`);
    for (const [name, key] of [["queue first page", "page"], ["lane counts", "counts"], ["next case", "next"]] as const) {
      const r = big[key] / small[key];
      results.push({ measure: `${name}: p95 ${big.total.toLocaleString("en")} / ${small.total.toLocaleString("en")}`, p50: "", p95: `${r.toFixed(2)}×`, target: "≤ 1.5×", met: r <= 1.5 });
    }
  }
  const perSecond = await throughput();
  results.push({ measure: "assessment throughput, 1 worker, 4 in flight, no latency", p50: `${perSecond.toFixed(1)} cases/s`, p95: "", target: "", met: null });
  printResult("queue", results);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
