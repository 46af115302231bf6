import type { Connection } from "../db/connect";
import { DEFAULT_THRESHOLDS, type Thresholds } from "../policy/route";
import { examplesSql, rebuildWhatIfFacts, REPLAY_SETTINGS, replayScope, routeSql, sourceWhatIfSql, whatIf, whatIfSql, type WhatIfInput } from "../policy/whatif";
import { connectPg } from "../db/connect";
import { applyMigrations, pendingMigrations } from "../db/migrations";
import { BENCH_SERVER, freshBenchDb } from "./db";
import { printResult, type ResultRow } from "./report";
import { measure, ms } from "./stats";

/**
 * npm run bench:whatif [-- --iterations 30 --before 10 --keep --reuse --cases 980000]  (--help lists them)
 * On the PostgreSQL server (BENCH_DATABASE_URL, default the local one): 1,000,000 AI decisions
 * over 90 days for 2 merchants (500k each), loaded with the fact triggers off and then one
 * whatif_rebuild(); whatIf for 90 / 30 / 7 days with a candidate that differs from the version
 * in force, checked equal to the source-table reference at 1M rows. --before N also times the
 * reference statements (the what-if before "WhatIfFact") N times per window, same settings.
 * --keep leaves the database bench_whatif in place (lib/bench/explain.ts reads it); --reuse times
 * that database again without generating it (and without the equality check), after applying any
 * migration newer than it. --cases N generates N cases instead of 980,000 (a reduced-scale run).
 */
const HELP = `npm run bench:whatif -- [options]
  --iterations N   timed runs per window (default 30)
  --before N       also time the source-table reference N times per window (default 0)
  --cases N        cases to generate (default 980000; +1 superseded decision per 49 cases)
  --keep           leave the database bench_whatif in place
  --reuse          time the kept bench_whatif again (applies newer migrations; no generation, no equality check)`;
if (process.argv.includes("--help")) {
  console.log(HELP);
  process.exit(0);
}
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const iterations = Number(arg("iterations", "30"));
const beforeIterations = Number(arg("before", "0"));
const keep = process.argv.includes("--keep");
// Time an existing bench_whatif (left by --keep) again, without generating or re-checking it.
const reuse = process.argv.includes("--reuse");
const DB = "bench_whatif";
const CASES = Number(arg("cases", "980000")); // + 1 superseded earlier decision per 49 cases: 980,000 → 1,000,000 decisions
const SCALE = CASES === 980_000 ? "1M decisions" : `${(CASES + Math.floor(CASES / 49)).toLocaleString("en")} decisions (reduced)`;
const NOW = new Date(Date.UTC(2026, 11, 1, 0, 0, 0));

const freshDb = () => freshBenchDb(DB, { max: 4 });
const reuseUrl = () => {
  const url = new URL(BENCH_SERVER);
  url.pathname = `/${DB}`;
  return url.toString();
};

async function generate(conn: Connection) {
  // A bulk load: every trigger on these tables off (other features' rollups included, which this
  // benchmark does not read); the what-if facts are rebuilt once at the end.
  await conn.runner.script(`ALTER TABLE "Case" DISABLE TRIGGER USER; ALTER TABLE "AiDecision" DISABLE TRIGGER USER;`);
  const now = `'${NOW.toISOString()}'::timestamptz AT TIME ZONE 'UTC'`;
  // One row per case with everything drawn once; a normal-ish draw is the mean of 3 uniforms.
  await conn.runner.script(`
    SELECT setseed(0.20261201);
    INSERT INTO "Merchant"(id, name) VALUES ('m-a', 'A'), ('m-b', 'B');
    INSERT INTO "User"(id, email, name, "passwordHash") VALUES ('u-1', 'u1@bench', 'U1', 'x');
    CREATE UNLOGGED TABLE gen AS
    SELECT g, CASE WHEN g % 2 = 0 THEN 'm-a' ELSE 'm-b' END AS "merchantId",
           (CASE WHEN random() < 0.06 THEN 'DISPUTE' ELSE 'REFUND' END)::"CaseKind" AS kind,
           paid AS "paidAmountFen",
           CASE WHEN random() < 0.78 THEN paid ELSE greatest(100, (paid * (0.2 + random() * 0.7))::int / 10 * 10) END AS "requestedAmountFen",
           (CASE WHEN g % 2 = 0 THEN ARRAY['tea','teaware','gift_box'] ELSE ARRAY['electronics','accessories','digital_goods'] END)[1 + (g / 2) % 3] AS "merchantCategory",
           CASE WHEN u < 0.012 THEN NULL ELSE least(0.999, greatest(0.001, s))::numeric(5,4) END AS s,
           u, ${now} - random() * interval '90 days' AS at
    FROM (
      SELECT g, random() AS u,
             (CASE WHEN random() < 0.05 THEN 20100 + random() * 110000 ELSE exp(ln(2900) + random() * (ln(19900) - ln(2900))) END)::int / 10 * 10 AS paid,
             CASE WHEN random() < 0.86 THEN 0.1 + (random() + random() + random() - 1.5) * 0.1
                  WHEN random() < 0.3 THEN 0.3 + random() * 0.4
                  ELSE 0.82 + (random() + random() + random() - 1.5) * 0.14 END AS s
      FROM generate_series(1, ${CASES}) g
    ) x;
    ALTER TABLE gen ADD COLUMN f numeric(5,4), ADD COLUMN rec text;
    UPDATE gen SET f = CASE WHEN s IS NULL THEN NULL WHEN s > 0.3 AND s < 0.7 THEN least(0.99, greatest(0.4, 0.72 + (random() + random() + random() - 1.5) * 0.16))
                            ELSE least(0.99, greatest(0.4, 0.9 + (random() + random() + random() - 1.5) * 0.1)) END,
                   rec = CASE WHEN s IS NULL THEN NULL WHEN s < 0.3 THEN 'PASS' WHEN s >= 0.7 THEN 'REJECT' ELSE 'REVIEW' END;`);
  // The stored route is what the policy in force decided: the same SQL mirror of routeCase.
  await conn.prisma.$executeRaw`ALTER TABLE gen ADD COLUMN route int`;
  await conn.prisma.$executeRaw`UPDATE gen c SET route = ${routeSql(DEFAULT_THRESHOLDS)} FROM (SELECT g, s::float8 AS s, f::float8 AS f, rec FROM gen) d WHERE d.g = c.g`;
  await conn.runner.script(`
    INSERT INTO "Case"(id, "merchantId", kind, status, "outTradeNo", "outRequestNo", "paidAmountFen", "requestedAmountFen", "refundedAmountFen",
                       "reasonText", "customerId", "merchantCategory", route, "routeReasons", "decidedById", "decidedAt", "handlingMs", "createdAt", "updatedAt")
    SELECT 'c' || g, "merchantId", kind,
           (CASE WHEN kind = 'DISPUTE' THEN 'FEEDBACK_SUBMITTED'
                 WHEN route = 0 THEN 'REFUNDED'
                 WHEN route = 2 THEN (CASE WHEN g % 50 = 0 THEN 'REFUNDED' ELSE 'REJECTED' END)
                 WHEN g % 10 < 6 THEN 'REFUNDED' ELSE 'REJECTED' END)::"CaseStatus",
           'T' || g, 'RF' || g, "paidAmountFen", "requestedAmountFen", 0, 'reason', 'cust' || (g % 50000), "merchantCategory",
           (ARRAY['AUTO_APPROVE','REVIEW','AUTO_REJECT'])[route + 1]::"Route", '{}',
           CASE WHEN route = 1 OR kind = 'DISPUTE' OR (route = 2 AND g % 50 = 0) THEN 'u-1' END,
           at + interval '2 seconds' + CASE WHEN route = 1 THEN ((g::bigint * 7919) % 600) * interval '1 minute' ELSE interval '0' END,
           CASE WHEN route = 1 AND g % 5 <> 0 THEN 30000 + ((g::bigint * 104729) % 870000)::int END,
           at, at
    FROM gen;
    INSERT INTO "AiDecision"(id, "merchantId", "caseId", endpoint, "conversationId", "riskScore", confidence, recommendation, "policyVersion", route, reasons, "createdAt")
    SELECT 'd' || g, "merchantId", 'c' || g, 'ai.refund.assess', 'conv' || g, s, f, rec, 1, (ARRAY['AUTO_APPROVE','REVIEW','AUTO_REJECT'])[route + 1]::"Route", '{}'::text[], at + interval '2 seconds'
    FROM gen
    UNION ALL -- every 49th case was assessed twice; the earlier decision is superseded
    SELECT 'e' || g, "merchantId", 'c' || g, 'ai.refund.assess', 'conv' || g, 0.5, 0.6, 'REVIEW', 1, 'REVIEW', '{}'::text[], at + interval '1 second'
    FROM gen WHERE g % 49 = 0;
    -- Later disputes on 0.5% of auto-approved refunds (same order number, a few days later; no decision yet).
    INSERT INTO "Case"(id, "merchantId", kind, status, "outTradeNo", "outRequestNo", "paidAmountFen", "requestedAmountFen",
                       "reasonText", "customerId", "merchantCategory", "createdAt", "updatedAt")
    SELECT 'x' || g, "merchantId", 'DISPUTE', 'REVIEW', 'T' || g, 'RFX' || g, "paidAmountFen", "requestedAmountFen", 'dispute', 'cust', "merchantCategory",
           at + interval '3 days', at + interval '3 days'
    FROM gen WHERE route = 0 AND kind = 'REFUND' AND g % 200 = 8;
    DROP TABLE gen;`);
  await conn.runner.script(`ALTER TABLE "Case" ENABLE TRIGGER USER; ALTER TABLE "AiDecision" ENABLE TRIGGER USER;`);
  const t0 = performance.now();
  await rebuildWhatIfFacts(conn.prisma);
  console.log(`whatif_rebuild(): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await conn.runner.script("VACUUM ANALYZE;"); // also sets the visibility map, so index-only scans skip the heap
}

const CANDIDATE: Thresholds = {
  ...DEFAULT_THRESHOLDS,
  version: 2,
  autoApproveBelow: 0.25,
  confidenceFloor: 0.8,
  hitlLimitFen: 30_000,
  highRiskAction: "REVIEW",
  overrides: { teaware: { hitlLimitFen: 10_000, autoRejectAtOrAbove: 0.6 } },
};

/** The reference (source tables, no facts), with the settings whatIf uses. */
async function before(conn: Connection, input: WhatIfInput) {
  const src = sourceWhatIfSql("m-a", input);
  await conn.prisma.$transaction(async (tx) => {
    await tx.$executeRaw(REPLAY_SETTINGS);
    await tx.$queryRaw(src.groups);
    await tx.$queryRaw(src.examples);
  }, { timeout: 120_000 });
}

const sorted = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v))).sort();

async function figures(conn: Connection) {
  const out: Record<number, { p50: number; p95: number; max: number }> = {};
  const beforeRows: ResultRow[] = [];
  for (const days of [90, 30, 7] as const) {
    const input: WhatIfInput = { current: DEFAULT_THRESHOLDS, candidate: CANDIDATE, days, now: NOW };
    const r = await whatIf(conn.prisma, "m-a", input);
    // Same answer as the source tables, at full size.
    const src = sourceWhatIfSql("m-a", input);
    const scope = await replayScope(conn.prisma, "m-a", [input.current, input.candidate]);
    const same =
      reuse ||
      JSON.stringify(sorted(await conn.prisma.$queryRaw(whatIfSql(scope, input)))) === JSON.stringify(sorted(await conn.prisma.$queryRaw(src.groups))) &&
      JSON.stringify(await conn.prisma.$queryRaw(examplesSql(scope, input))) === JSON.stringify(await conn.prisma.$queryRaw(src.examples));
    if (!same) throw new Error(`${days} days: the fact table and the source tables disagree`);
    const m = await measure(iterations, () => whatIf(conn.prisma, "m-a", input), 5);
    out[days] = m;
    console.log(
      `  ${String(days).padStart(2)} days: ${r.total.toLocaleString("en")} cases  p50 ${ms(m.p50)}  p95 ${ms(m.p95)}  max ${ms(m.max)}` +
        `   (review ${r.lanes.current.REVIEW.cases} → ${r.lanes.candidate.REVIEW.cases}, wrong ${r.wrong.disputedAfterAutoApprove.cases}+${r.wrong.refundedAfterAutoReject.cases}${reuse ? "" : "; equals the source tables"})`,
    );
    if (beforeIterations > 0) {
      const b = await measure(beforeIterations, () => before(conn, input), 1);
      beforeRows.push({ measure: `${days} days, source tables (before)`, p50: ms(b.p50), p95: ms(b.p95), target: "", met: null });
      console.log(`          before (source tables, no facts): p50 ${ms(b.p50)}  p95 ${ms(b.p95)}  max ${ms(b.max)}  (${beforeIterations} runs)`);
    }
  }
  printResult("whatif", [
    ...([90, 30, 7] as const).map((days) => ({
      measure: `${days} days, ${SCALE}`,
      p50: ms(out[days]!.p50),
      p95: ms(out[days]!.p95),
      target: days === 90 ? "≤ 500 ms p95" : "",
      met: days === 90 ? out[days]!.p95 <= 500 : null,
    })),
    ...beforeRows,
  ]);
  const input90: WhatIfInput = { current: DEFAULT_THRESHOLDS, candidate: CANDIDATE, days: 90, now: NOW };
  const scope = await replayScope(conn.prisma, "m-a", [input90.current, input90.candidate]);
  for (const [name, sql] of [
    ["main statement", whatIfSql(scope, input90)],
    ["examples", examplesSql(scope, input90)],
  ] as const) {
    const plan = await conn.prisma.$transaction(async (tx) => {
      await tx.$executeRaw(REPLAY_SETTINGS); // the settings whatIf runs with
      return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, ...sql.values);
    });
    console.log(`  plan of the ${name}, 90 days:\n${plan.map((p) => `    ${p["QUERY PLAN"]}`).join("\n")}`);
  }
  return out;
}

async function main() {
  const conn = reuse ? { ...connectPg(reuseUrl(), { max: 4 }), drop: async () => {} } : await freshDb();
  // A kept database catches up with migrations newer than it.
  if (reuse && (await pendingMigrations(conn.runner)).length > 0) await applyMigrations(conn.runner);
  try {
    const t0 = performance.now();
    if (!reuse) await generate(conn);
    const [counts] = await conn.runner.query<{ cases: number; decisions: number }>(
      `SELECT (SELECT count(*) FROM "Case")::int AS cases, (SELECT count(*) FROM "AiDecision")::int AS decisions`,
    );
    console.log(`generated ${counts!.decisions.toLocaleString("en")} decisions, ${counts!.cases.toLocaleString("en")} cases (2 merchants, 90 days) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const sample = await whatIf(conn.prisma, "m-a", { current: DEFAULT_THRESHOLDS, candidate: CANDIDATE, days: 90, now: NOW });
    console.log(`sample (m-a, 90 days): ${JSON.stringify({ total: sample.total, lanes: sample.lanes, workload: sample.workload, wrong: { ...sample.wrong, examples: sample.wrong.examples.length } })}`);
    const [size] = await conn.runner.query<{ table: string; index: string }>(
      `SELECT pg_size_pretty(pg_table_size('"WhatIfFact"')) AS table, pg_size_pretty(pg_indexes_size('"WhatIfFact"')) AS index`,
    );
    console.log(`WhatIfFact: table ${size!.table}, indexes ${size!.index}\n\nwhatIf from the fact table${beforeIterations ? ", then the same windows from the source tables" : ""}`);
    await figures(conn);
  } finally {
    if (keep) await conn.close();
    else await conn.drop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
