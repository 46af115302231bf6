import { isDeepStrictEqual } from "node:util";
import type { Connection } from "../db/connect";
import { loadInsights } from "../insights/queries";
import { rebuildInsightsRollups } from "../insights/rollups";
import { buildInsights, shanghaiDay, windows, type Aggregates, type OutcomeRow, type WindowDays } from "../insights/series";
import { binOf } from "../insights/stats";
import { freshBenchDb } from "./db";
import { printResult } from "./report";
import { measure, ms } from "./stats";

/**
 * npm run bench:insights [-- --iterations 30 --node-iterations 3 --keep]
 * On the PostgreSQL server (BENCH_DATABASE_URL, default the local one): 1,000,000 AI decisions on
 * 1,000,000 refund cases over 130 days for 2 merchants (500k each; the last 14 days drifted, a new
 * model version), plus disputes on 1.5% of auto-approved trades. Loaded in bulk with the triggers
 * off, then rebuildInsightsRollups. Measures the insights page's data for one merchant (histograms,
 * 90 days of daily PSI and KS for score, confidence and mix, overrules) from the rollups, and the
 * same numbers by loading the raw rows into Node; asserts they agree.
 */
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const iterations = Number(arg("iterations", "30"));
const nodeIterations = Number(arg("node-iterations", "3"));
const DB = "bench_insights";
const DECISIONS = 1_000_000;
const NOW = new Date(Date.UTC(2026, 11, 1, 4, 0, 0));
const MERCHANT = "m-a";
const DAYS: WindowDays = 30;

async function generate(conn: Connection) {
  const now = `'${NOW.toISOString()}'::timestamptz AT TIME ZONE 'UTC'`;
  await conn.runner.script(`
    SELECT setseed(0.6);
    ALTER TABLE "Case" DISABLE TRIGGER USER;
    ALTER TABLE "AiDecision" DISABLE TRIGGER USER;
    INSERT INTO "Merchant"(id, name) VALUES ('m-a', 'A'), ('m-b', 'B');
    INSERT INTO "User"(id, email, name, "passwordHash") VALUES ('u-1', 'u1@bench', 'Agent One', 'x'), ('u-2', 'u2@bench', 'Agent Two', 'x');
    INSERT INTO "AuditEvent"("merchantId", action, "targetType", "targetId", "createdAt")
      VALUES ('m-a', 'policy.updated', 'policy', '2', ${now} - interval '40 days'), ('m-a', 'policy.updated', 'policy', '3', ${now} - interval '9 days');
    CREATE UNLOGGED TABLE gen AS
    SELECT g, mid, at, paid, drifted, r2, s,
           (CASE WHEN s IS NULL THEN NULL WHEN s > 0.3 AND s < 0.7 THEN least(0.99, greatest(0.4, 0.72 + (random() + random() + random() - 1.5) * 0.16))
                 ELSE least(0.99, greatest(0.4, 0.9 + (random() + random() + random() - 1.5) * 0.1)) END)::numeric(5,4) AS f,
           CASE WHEN s IS NULL THEN NULL WHEN s < 0.3 THEN 'PASS' WHEN s >= 0.7 THEN 'REJECT' ELSE 'REVIEW' END AS rec
    FROM (
      SELECT g, mid, at, paid, drifted, r2,
             CASE WHEN u < 0.012 THEN NULL ELSE least(0.999, greatest(0.001, base + CASE WHEN drifted THEN 0.06 + random() * 0.04 ELSE 0 END))::numeric(5,4) END AS s
      FROM (
        SELECT g, CASE WHEN g % 2 = 0 THEN 'm-a' ELSE 'm-b' END AS mid, at, at > ${now} - interval '14 days' AS drifted, random() AS u, random() AS r2,
               (CASE WHEN random() < 0.05 THEN 20100 + random() * 110000 ELSE exp(ln(2900) + random() * (ln(19900) - ln(2900))) END)::int / 10 * 10 AS paid,
               CASE WHEN random() < 0.86 THEN 0.1 + (random() + random() + random() - 1.5) * 0.1 WHEN random() < 0.3 THEN 0.3 + random() * 0.4
                    ELSE 0.82 + (random() + random() + random() - 1.5) * 0.14 END AS base
        FROM (SELECT g, ${now} - random() * interval '130 days' AS at FROM generate_series(1, ${DECISIONS}) g) x
      ) y
    ) z;
    ALTER TABLE gen ADD COLUMN route text;
    UPDATE gen SET route = CASE WHEN rec = 'PASS' AND paid <= 20000 AND f >= 0.75 THEN 'AUTO_APPROVE' WHEN rec = 'REJECT' THEN 'AUTO_REJECT' ELSE 'REVIEW' END;
    INSERT INTO "Case"(id, "merchantId", kind, status, "outTradeNo", "outRequestNo", "paidAmountFen", "requestedAmountFen", "reasonText", "customerId",
                       "merchantCategory", "crossBorder", route, "routeReasons", "decidedById", "decidedAt", "decisionCode", "createdAt", "updatedAt")
    SELECT 'c' || g, mid, 'REFUND',
           (CASE WHEN route = 'AUTO_APPROVE' THEN 'REFUNDED'
                 WHEN route = 'AUTO_REJECT' THEN CASE WHEN r2 < 0.08 THEN 'REFUNDED' ELSE 'REJECTED' END
                 WHEN at > ${now} - interval '2 days' THEN 'REVIEW'
                 WHEN r2 < 0.7 THEN 'REFUNDED' ELSE 'REJECTED' END)::"CaseStatus",
           'T' || g, 'RF' || g, paid, paid, 'reason', 'cust' || (g % 50000),
           (CASE WHEN g % 2 = 0 THEN ARRAY['tea','teaware','gift_box'] ELSE ARRAY['electronics','accessories','digital_goods'] END)[1 + (g / 2) % 3],
           g % 10 = 0, route::"Route", '{}',
           CASE WHEN (route = 'REVIEW' AND at <= ${now} - interval '2 days') OR (route = 'AUTO_REJECT' AND r2 < 0.08) THEN 'u-' || (1 + g % 2) END,
           at + interval '1 hour',
           CASE WHEN route = 'AUTO_REJECT' THEN CASE WHEN r2 < 0.08 THEN 'APPROVE_VALID_CLAIM' ELSE 'HIGH_RISK' END
                WHEN route = 'REVIEW' AND at <= ${now} - interval '2 days' THEN CASE WHEN r2 < 0.55 THEN 'APPROVE_VALID_CLAIM' WHEN r2 < 0.7 THEN 'PARTIAL_GOODWILL' ELSE 'REJECT_NO_EVIDENCE' END END,
           at, at
    FROM gen;
    INSERT INTO "AiDecision"(id, "merchantId", "caseId", endpoint, "conversationId", "riskScore", confidence, recommendation, "modelVersion", "policyVersion", route, reasons, "createdAt")
    SELECT 'd' || g, mid, 'c' || g, 'ai.refund.assess', 'conv' || g, s, f, rec,
           CASE WHEN s IS NULL THEN NULL WHEN drifted THEN 'risk-2026.11' ELSE 'risk-2026.09' END, 1, route::"Route", '{}', at + interval '2 seconds'
    FROM gen;
    INSERT INTO "Case"(id, "merchantId", kind, status, "outTradeNo", "outRequestNo", "paidAmountFen", "requestedAmountFen", "reasonText", "customerId", "merchantCategory", "createdAt", "updatedAt")
    SELECT 'c' || g || 'd', mid, 'DISPUTE', 'CLOSED', 'T' || g, 'DP' || g, paid, paid, 'unauthorised', 'cust', 'tea', at + interval '2 days', at + interval '2 days'
    FROM gen WHERE route = 'AUTO_APPROVE' AND r2 < 0.015;
    DROP TABLE gen;
    ALTER TABLE "Case" ENABLE TRIGGER USER;
    ALTER TABLE "AiDecision" ENABLE TRIGGER USER;`);
}

/** The same aggregates computed in Node from raw rows (no GROUP BY in the database). */
async function aggregatesFromRows(conn: Connection, today: string): Promise<Aggregates> {
  const r = windows(today, DAYS);
  const since = new Date(`${r.earliest}T00:00:00+08:00`).toISOString();
  const [decisions, cases, changes] = await Promise.all([
    conn.runner.query<{ at: Date; model: string | null; s: string | null; f: string | null; rec: string | null }>(
      `SELECT d."createdAt" AT TIME ZONE 'UTC' AS at, d."modelVersion" AS model, d."riskScore" AS s, d.confidence AS f, d.recommendation AS rec
       FROM "AiDecision" d JOIN "Case" c ON c.id = d."caseId" WHERE d."merchantId" = $1 AND d."createdAt" >= ($2::timestamptz AT TIME ZONE 'UTC')`,
      [MERCHANT, since],
    ),
    conn.runner.query<{ id: string; at: Date; kind: string; status: string; approved: number | null; trade: string; route: string | null; code: string | null; agent: string | null }>(
      `SELECT id, "createdAt" AT TIME ZONE 'UTC' AS at, kind, status, "approvedAmountFen" AS approved, "outTradeNo" AS trade, route, "decisionCode" AS code, "decidedById" AS agent
       FROM "Case" WHERE "merchantId" = $1 AND "createdAt" >= ($2::timestamptz AT TIME ZONE 'UTC') - interval '7 days'`,
      [MERCHANT, since],
    ),
    conn.runner.query<{ at: Date; version: string }>(
      `SELECT "createdAt" AT TIME ZONE 'UTC' AS at, "targetId" AS version FROM "AuditEvent" WHERE "merchantId" = $1 AND "targetType" = 'policy'
         AND action IN ('policy.updated', 'policy.approved', 'policy.rolled_back') AND "createdAt" >= ($2::timestamptz AT TIME ZONE 'UTC') ORDER BY "createdAt"`,
      [MERCHANT, since],
    ),
  ]);
  const bins = new Map<string, number>();
  const mix = new Map<string, number>();
  const latest = new Map<string, { model: string; rec: string }>();
  for (const d of decisions) {
    const day = shanghaiDay(d.at);
    if (day < r.earliest || day > today) continue;
    const k0 = `${day}|0|${binOf(d.s === null ? null : Number(d.s))}`;
    const k1 = `${day}|1|${binOf(d.f === null ? null : Number(d.f))}`;
    bins.set(k0, (bins.get(k0) ?? 0) + 1);
    bins.set(k1, (bins.get(k1) ?? 0) + 1);
    const km = `${day}|${d.model ?? ""}|${d.rec ?? ""}`;
    mix.set(km, (mix.get(km) ?? 0) + 1);
  }
  // The bench has one decision per case, made 2 s after the case: its latest decision.
  const byCase = await conn.runner.query<{ case: string; model: string | null; rec: string | null }>(
    `SELECT "caseId" AS case, "modelVersion" AS model, recommendation AS rec FROM "AiDecision" WHERE "merchantId" = $1 AND "createdAt" >= ($2::timestamptz AT TIME ZONE 'UTC') - interval '7 days'`,
    [MERCHANT, since],
  );
  for (const d of byCase) latest.set(d.case, { model: d.model ?? "", rec: d.rec ?? "" });
  const disputedTrades = new Set(cases.filter((c) => c.kind === "DISPUTE").map((c) => c.trade));
  const outcomes = new Map<string, OutcomeRow>();
  const fraud = new Map<string, { cases: number; fraud: number }>();
  for (const c of cases) {
    if (c.kind !== "REFUND") continue;
    const day = shanghaiDay(c.at);
    if (day < r.earliest || day > today) continue;
    const outcome = ["APPROVED", "EXECUTING", "REFUNDED"].includes(c.status) || (c.status === "FAILED" && c.approved !== null) ? "APPROVED" : c.status === "REJECTED" ? "REJECTED" : "OPEN";
    const disputed = outcome === "APPROVED" && disputedTrades.has(c.trade);
    const agentId = c.agent ?? "";
    const f = fraud.get(day) ?? { cases: 0, fraud: 0 };
    f.cases++;
    if ((agentId !== "" && outcome === "REJECTED") || disputed) f.fraud++;
    fraud.set(day, f);
    if (day < r.window.from) continue;
    const l = latest.get(c.id) ?? { model: "", rec: "" };
    const row: OutcomeRow = { modelVersion: l.model, recommendation: l.rec, route: c.route ?? "", decisionCode: c.code ?? "", agentId, outcome, disputed, count: 0 };
    const key = JSON.stringify({ ...row, count: 0 });
    const e = outcomes.get(key) ?? row;
    e.count++;
    outcomes.set(key, e);
  }
  return {
    bins: [...bins].map(([k, count]) => {
      const [day, metric, bin] = k.split("|");
      return { day: day!, metric: Number(metric), bin: Number(bin), count };
    }),
    mix: [...mix].map(([k, count]) => {
      const [day, modelVersion, recommendation] = k.split("|");
      return { day: day!, modelVersion: modelVersion!, recommendation: recommendation!, count };
    }),
    outcomes: [...outcomes.values()],
    fraud: [...fraud].map(([day, v]) => ({ day, ...v })),
    thresholdChanges: changes.map((c) => ({ day: shanghaiDay(c.at), version: c.version })),
  };
}

/** Order-independent comparison of two views (rows of the overrule groups come sorted already). */
function sameView(a: ReturnType<typeof buildInsights>, b: ReturnType<typeof buildInsights>) {
  const round = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === "number" ? Number(v.toPrecision(12)) : v)));
  return isDeepStrictEqual(round(a), round(b));
}

async function main() {
  const conn = await freshBenchDb(DB, { max: 8 });
  try {
    let t0 = performance.now();
    await generate(conn);
    const [counts] = await conn.runner.query<{ decisions: string; cases: string }>(`SELECT (SELECT count(*) FROM "AiDecision") AS decisions, (SELECT count(*) FROM "Case") AS cases`);
    console.log(`generated ${Number(counts!.decisions).toLocaleString("en")} decisions, ${Number(counts!.cases).toLocaleString("en")} cases (2 merchants, 130 days) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    t0 = performance.now();
    await rebuildInsightsRollups(conn.prisma);
    console.log(`rebuildInsightsRollups(): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await conn.runner.script("VACUUM ANALYZE;");
    const [size] = await conn.runner.query<{ d: string; o: string; dn: string; on: string }>(
      `SELECT pg_size_pretty(pg_total_relation_size('"InsightsDecisionRollup"')) AS d, pg_size_pretty(pg_total_relation_size('"InsightsOutcomeRollup"')) AS o,
              (SELECT count(*) FROM "InsightsDecisionRollup") AS dn, (SELECT count(*) FROM "InsightsOutcomeRollup") AS on`,
    );
    console.log(`rollups: decisions ${Number(size!.dn).toLocaleString("en")} rows (${size!.d}), outcomes ${Number(size!.on).toLocaleString("en")} rows (${size!.o})`);

    // Triggers on: what one more batch of 1,000 cases + decisions costs (the live path).
    t0 = performance.now();
    await conn.runner.script(`
      INSERT INTO "Case"(id, "merchantId", kind, status, "outTradeNo", "outRequestNo", "paidAmountFen", "requestedAmountFen", "reasonText", "customerId", "merchantCategory", route, "createdAt", "updatedAt")
      SELECT 'x' || g, 'm-b', 'REFUND', 'REVIEW', 'X' || g, 'RX' || g, 5000, 5000, 'r', 'c', 'electronics', 'REVIEW', now() AT TIME ZONE 'UTC' - interval '200 days', now() AT TIME ZONE 'UTC' - interval '200 days' FROM generate_series(1, 1000) g;
      INSERT INTO "AiDecision"(id, "merchantId", "caseId", endpoint, "conversationId", "riskScore", confidence, recommendation, "modelVersion", "policyVersion", route, reasons, "createdAt")
      SELECT 'xd' || g, 'm-b', 'x' || g, 'ai.refund.assess', 'c', 0.5, 0.7, 'REVIEW', 'risk-2026.11', 1, 'REVIEW', '{}', now() AT TIME ZONE 'UTC' - interval '200 days' FROM generate_series(1, 1000) g;
      UPDATE "Case" SET status = 'REFUNDED', "decidedById" = 'u-1', "decisionCode" = 'APPROVE_VALID_CLAIM' WHERE id LIKE 'x%' AND "merchantId" = 'm-b' AND kind = 'REFUND' AND "outTradeNo" LIKE 'X%';`);
    console.log(`with triggers: 1,000 cases inserted, 1,000 decisions inserted, 1,000 cases decided: ${ms(performance.now() - t0)} in all`);

    const today = shanghaiDay(NOW);
    const fromRollups = await loadInsights(conn.prisma, MERCHANT, { now: NOW, days: DAYS });
    const fromRows = buildInsights(today, DAYS, await aggregatesFromRows(conn, today));
    if (!sameView(fromRollups.view, fromRows)) throw new Error("The rollups and the raw rows disagree.");
    const v = fromRollups.view;
    const lastPsi = [...v.drift].reverse().find((d) => d.score.psi !== null)!;
    console.log(
      `agree: yes. sample (${MERCHANT}, window ${DAYS} days): ${v.totals.window.toLocaleString("en")} decisions in window; latest score PSI ${lastPsi.score.psi!.toFixed(3)} KS ${lastPsi.score.ks!.toFixed(3)}; alerts ${JSON.stringify(v.conditions)}; overrule rate ${(v.overrules.total.rate! * 100).toFixed(1)}% of ${v.overrules.total.decided}; markers ${v.markers.length}`,
    );

    const rollup = await measure(iterations, () => loadInsights(conn.prisma, MERCHANT, { now: NOW, days: DAYS }), 5);
    console.log(`page data from rollups (${iterations} runs): p50 ${ms(rollup.p50)}  p95 ${ms(rollup.p95)}  max ${ms(rollup.max)}`);
    const filtered = await measure(iterations, () => loadInsights(conn.prisma, MERCHANT, { now: NOW, days: 90, filters: { category: "tea", crossBorder: false } }), 5);
    console.log(`page data from rollups, 90-day window, category + cross-border filter (${iterations} runs): p50 ${ms(filtered.p50)}  p95 ${ms(filtered.p95)}  max ${ms(filtered.max)}`);
    const node = await measure(nodeIterations, async () => buildInsights(today, DAYS, await aggregatesFromRows(conn, today)), 1);
    console.log(`same numbers from raw rows in Node (${nodeIterations} runs): p50 ${ms(node.p50)}  p95 ${ms(node.p95)}  max ${ms(node.max)}`);
    console.log(`ratio (p95 raw / p95 rollups): ${(node.p95 / rollup.p95).toFixed(1)}×  target: ≤ 300 ms p95 and ≥ 10×: ${rollup.p95 <= 300 && node.p95 / rollup.p95 >= 10 ? "met" : "MISSED"}`);
    printResult("insights", [
      { measure: "page data from rollups, 1M decisions", p50: ms(rollup.p50), p95: ms(rollup.p95), target: "≤ 300 ms p95", met: rollup.p95 <= 300 },
      { measure: "90 days, filtered, from rollups", p50: ms(filtered.p50), p95: ms(filtered.p95), target: "", met: null },
      { measure: "same numbers from raw rows in Node", p50: ms(node.p50), p95: ms(node.p95), target: "", met: null },
      { measure: "raw / rollups (p95)", p50: "", p95: `${(node.p95 / rollup.p95).toFixed(1)}×`, target: "≥ 10×", met: node.p95 / rollup.p95 >= 10 },
    ]);
  } finally {
    if (process.argv.includes("--keep")) await conn.close();
    else await conn.drop();
  }
}

await main();
