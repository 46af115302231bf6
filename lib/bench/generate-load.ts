/**
 * npm run db:generate-load -- --cases 1000000 [--merchants 100] [--days 90] [--database-url URL | --database NAME] [--reset]
 *
 * Fills a PostgreSQL database quickly (INSERT … SELECT over generate_series, from one unlogged
 * staging table) with realistic traffic for every feature's benchmarks: merchants (the two demo
 * merchants are the two busiest), the demo accounts (password `demo-password`) plus one agent per
 * other merchant, threshold policy v1, cases over `days`, one AI decision per case (a few cases
 * with an earlier superseded one; risk scores drift upwards in the last 14 days for one category
 * per merchant), ~3 ledger rows per case (risk + assessment or dispute analysis, the refund call
 * with its 0.6% fee, timeouts and 429s with their retries) and ~3 audit events per case.
 * Then it runs the rollup rebuilds in REBUILDS. Prints rows/s per table.
 *
 * Target: --database-url, or database --database (default generated_load) on BENCH_DATABASE_URL's
 * server, created and migrated if missing. A database that already has cases is refused unless
 * --reset (drop and recreate it: only with --database, never a --database-url).
 */
import pg from "pg";
import { hashPassword } from "../auth/passwords";
import { connectPg, type Connection } from "../db/connect";
import { applyMigrations } from "../db/migrations";
import { DEMO_MERCHANTS, DEMO_PASSWORD, DEMO_USERS } from "../demo/accounts";
import { BENCH_SERVER } from "./db";
import { rebuildCostRollups } from "../costs/queries";
import { rebuildInsightsRollups } from "../insights/rollups";
import { rebuildWhatIfFacts } from "../policy/whatif";
import { chainUnlinkedEvents } from "../audit/chain-bulk";

/** Rollup rebuilds of other features, run after the raw rows are in (in this order). */
export const REBUILDS: Array<{
  name: string;
  run: (conn: Connection) => Promise<unknown>;
}> = [
  { name: "what-if facts", run: (conn) => rebuildWhatIfFacts(conn.prisma) },
  { name: "insights rollups", run: (conn) => rebuildInsightsRollups(conn.prisma) },
  { name: "cost rollups", run: (conn) => rebuildCostRollups(conn.prisma) },
  {
    // The chain is sequential by nature (each hash covers the previous one): PostgreSQL writes the
    // canonical texts in batches and Node hashes them in write order (lib/audit/chain-bulk.ts).
    name: "audit chain",
    run: (conn) => chainUnlinkedEvents(conn),
  },
];

export interface LoadOptions {
  cases: number;
  merchants: number;
  days: number;
  /** the end of the generated window */
  now?: Date;
  /** the same seed gives the same data */
  seed?: number;
  log?: (line: string) => void;
}

export interface LoadSummary {
  rows: Record<string, number>;
  seconds: Record<string, number>;
  totalRows: number;
  totalSeconds: number;
}

/** The id given to the demo merchant's first agent (users are `u-demo-<index in DEMO_USERS>`). */
function demoAgent(merchantId: string) {
  const i = DEMO_USERS.findIndex((u) =>
    u.memberships.some(
      (m) => m.merchantId === merchantId && m.role === "AGENT",
    ),
  );
  return `u-demo-${i}`;
}

const TABLES = [
  "Merchant",
  "User",
  "Membership",
  "ThresholdPolicy",
  "Case",
  "AiDecision",
  "ApiCall",
  "AuditEvent",
] as const;

function parseArgs(argv: string[]) {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const v = Number(raw.replaceAll("_", ""));
    if (!Number.isInteger(v) || v < min || v > max)
      throw new Error(
        `--${name} must be an integer from ${min} to ${max}, got ${raw}`,
      );
    return v;
  };
  const databaseUrl = get("database-url");
  const database =
    get("database") ?? (databaseUrl ? undefined : "generated_load");
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new Error("--database-url must be a postgres:// URL");
  if (database !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(database))
    throw new Error("--database must be a lower-case identifier");
  if (databaseUrl && argv.includes("--reset"))
    throw new Error(
      "--reset drops a database: use it with --database NAME, not --database-url",
    );
  return {
    cases: int("cases", 100_000, 1, 50_000_000),
    merchants: int("merchants", 100, 2, 10_000),
    days: int("days", 90, 1, 3650),
    databaseUrl,
    database,
    reset: argv.includes("--reset"),
  };
}

async function adminQuery(sql: string) {
  const c = new pg.Client({ connectionString: BENCH_SERVER });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Fills an empty, migrated database. Refuses one that already has cases (nothing is changed). */
export async function generateLoad(
  conn: Connection,
  o: LoadOptions,
): Promise<LoadSummary> {
  const say = o.log ?? (() => undefined);
  // Each script is one implicit transaction; with session_replication_role = replica in it, row
  // triggers (other features' rollups, the audit chain) and FK checks stay off for the bulk rows,
  // and REBUILDS recompute what the triggers would have maintained. Needs a superuser (a bench tool).
  const run = (sql: string) =>
    conn.runner.script(`SET LOCAL session_replication_role = replica;\n${sql}`);
  const lit = (v: string | null) =>
    v === null ? "NULL" : `'${v.replaceAll("'", "''")}'`;
  const [{ n: existing }] = (await conn.runner.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM "Case" LIMIT 1) x`,
  )) as [{ n: number }];
  if (existing > 0)
    throw new Error(
      "this database already has cases: generate into an empty one (--reset with --database recreates it)",
    );
  const now = (o.now ?? new Date()).toISOString();
  const NOW = `('${now}'::timestamptz AT TIME ZONE 'UTC')`;
  const seconds: Record<string, number> = {};
  const timed = async (label: string, fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    seconds[label] = (performance.now() - t0) / 1000;
    say(`  ${label}: ${seconds[label]!.toFixed(1)} s`);
  };
  const t0 = performance.now();

  // Accounts: the demo ones (so the console can be signed into) and one agent per other merchant.
  const hash = await hashPassword(DEMO_PASSWORD);
  await timed("accounts", () =>
    run(`
      ${DEMO_MERCHANTS.map((m) => `INSERT INTO "Merchant"(id, name, "timeZone", "alipayAppId", "alipayAppAuthToken") VALUES (${lit(m.id)}, ${lit(m.name)}, ${lit(m.timeZone)}, ${lit(m.alipayAppId)}, ${lit(m.alipayAppAuthToken)});`).join("\n")}
      ${DEMO_USERS.map(
        (u, i) =>
          `INSERT INTO "User"(id, email, name, "passwordHash") VALUES ('u-demo-${i}', ${lit(u.email)}, ${lit(u.name)}, ${lit(hash)});\n` +
          u.memberships
            .map(
              (m) =>
                `INSERT INTO "Membership"("merchantId", "userId", role) VALUES (${lit(m.merchantId)}, 'u-demo-${i}', ${lit(m.role)});`,
            )
            .join("\n"),
      ).join("\n")}
      INSERT INTO "Merchant"(id, name, "timeZone") SELECT 'm-load-' || lpad(k::text, 5, '0'), 'Load merchant ' || k, 'Asia/Shanghai' FROM generate_series(3, ${o.merchants}) k;
      INSERT INTO "User"(id, email, name, "passwordHash") SELECT 'u-load-' || k, 'agent' || k || '@load.demo', 'Agent ' || k, ${lit(hash)} FROM generate_series(3, ${o.merchants}) k;
      INSERT INTO "Membership"("merchantId", "userId", role) SELECT 'm-load-' || lpad(k::text, 5, '0'), 'u-load-' || k, 'AGENT' FROM generate_series(3, ${o.merchants}) k;
      INSERT INTO "ThresholdPolicy"(id, "merchantId", version, "autoApproveBelow", "autoRejectAtOrAbove", "confidenceFloor", "hitlLimitFen", status, "activatedAt", note)
      SELECT 'p-' || id, id, 1, 0.3, 0.7, 0.75, 20000, 'ACTIVE', ${NOW} - interval '${o.days + 1} days', 'generated' FROM "Merchant";`),
  );

  // Secondary indexes are dropped for the load and built once at the end: building an index
  // from sorted data is many times cheaper than maintaining it row by row. Primary keys stay.
  const indexes = await conn.runner.query<{ name: string; def: string }>(`
    SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename IN ('Case', 'AiDecision', 'ApiCall', 'AuditEvent')
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`);
  await run(indexes.map((i) => `DROP INDEX "${i.name}";`).join("\n"));
  try {
    await load();
  } finally {
    await timed("indexes", () =>
      run(indexes.map((i) => `${i.def};`).join("\n")),
    );
  }

  async function load() {
    // Merchant k (1-based; 1 and 2 are the demo merchants) by a skewed draw: the first few are the busiest.
    const merchantExpr = `CASE WHEN mk = 1 THEN '${DEMO_MERCHANTS[0].id}' WHEN mk = 2 THEN '${DEMO_MERCHANTS[1].id}' ELSE 'm-load-' || lpad(mk::text, 5, '0') END`;
    const chunk = 250_000;
    await timed("Case", async () => {
      await conn.runner
        .script(`DROP TABLE IF EXISTS load_gen; CREATE UNLOGGED TABLE load_gen (
      g bigint, mk int, kind text, paid int, req int, cat text, s numeric(5,4), f numeric(5,4), rec text, route text, at timestamp(3), u float8, drift boolean)`);
      for (let start = 1; start <= o.cases; start += chunk) {
        const end = Math.min(o.cases, start + chunk - 1);
        const c0 = performance.now();
        await run(`
        SELECT setseed(${((o.seed ?? 2026) * 7919 + start) % 1_000_003} / 1000003.0);
        INSERT INTO load_gen
        SELECT g, mk, kind, paid, req, cat,
               CASE WHEN u < 0.012 THEN NULL ELSE least(0.999, greatest(0.001, s + CASE WHEN drift THEN 0.08 ELSE 0 END))::numeric(5,4) END,
               NULL, NULL, NULL, at, u, drift
        FROM (
          SELECT g, mk, kind, paid, cat, u, at,
                 CASE WHEN random() < 0.78 OR kind = 'DISPUTE' THEN paid ELSE greatest(100, (paid * (0.2 + random() * 0.7))::int / 10 * 10) END AS req,
                 CASE WHEN random() < 0.86 THEN 0.1 + (random() + random() + random() - 1.5) * 0.1
                      WHEN random() < 0.3 THEN 0.3 + random() * 0.4
                      ELSE 0.82 + (random() + random() + random() - 1.5) * 0.14 END AS s,
                 (cat = 'tea' OR cat = 'electronics' OR cat = 'c0') AND at > ${NOW} - interval '14 days' AS drift
          FROM (
            SELECT g, mk, kind, u, at,
                   (CASE WHEN random() < 0.05 THEN 20100 + random() * 110000 ELSE exp(ln(2900) + random() * (ln(19900) - ln(2900))) END)::int / 10 * 10 AS paid,
                   CASE WHEN mk = 1 THEN (ARRAY['tea','teaware','gift_box'])[1 + g % 3]
                        WHEN mk = 2 THEN (ARRAY['electronics','accessories','digital_goods'])[1 + g % 3]
                        ELSE 'c' || (g % 4) END AS cat
            FROM (
              SELECT g, least(${o.merchants}, 1 + floor(${o.merchants} * power(random(), 2.2)))::int AS mk,
                     CASE WHEN random() < 0.06 THEN 'DISPUTE' ELSE 'REFUND' END AS kind, random() AS u,
                     ${NOW} - power(random(), 0.9) * interval '${o.days} days' AS at
              FROM generate_series(${start}, ${end}) g
            ) a
          ) b
        ) c;`);
        say(
          `  staged cases ${end.toLocaleString("en")} / ${o.cases.toLocaleString("en")} (${((end - start + 1) / ((performance.now() - c0) / 1000)).toFixed(0)} rows/s)`,
        );
      }
      // Confidence, recommendation and the route of the default thresholds (mirrors lib/policy/route.ts).
      await run(`
      UPDATE load_gen SET
        f = CASE WHEN s IS NULL THEN NULL WHEN s > 0.3 AND s < 0.7 THEN least(0.99, greatest(0.4, 0.72 + (random() + random() + random() - 1.5) * 0.16))
                 ELSE least(0.99, greatest(0.4, 0.9 + (random() + random() + random() - 1.5) * 0.1)) END,
        rec = CASE WHEN s IS NULL THEN NULL WHEN s < 0.3 THEN 'PASS' WHEN s >= 0.7 THEN 'REJECT' ELSE 'REVIEW' END;
      UPDATE load_gen SET route = CASE
        WHEN s IS NULL OR kind = 'DISPUTE' THEN 'REVIEW'
        WHEN rec = 'REVIEW' OR f < 0.75 THEN 'REVIEW'
        WHEN s >= 0.7 THEN 'AUTO_REJECT'
        WHEN req > 20000 THEN 'REVIEW'
        WHEN s < 0.3 THEN 'AUTO_APPROVE'
        ELSE 'REVIEW' END;
      ANALYZE load_gen;`);
      // Old cases are finished; reviews of the last 7 days are still open (1-2% of all cases).
      await run(`
      INSERT INTO "Case"(id, "merchantId", kind, status, "outTradeNo", "tradeNo", "outRequestNo", "paidAmountFen", "requestedAmountFen", "refundedAmountFen", "approvedAmountFen",
                         "reasonText", "customerId", "merchantCategory", locale, "complainEventId", "disputeDeadline", route, "routeReasons",
                         "decidedById", "decidedAt", "handlingMs", "decisionCode", "idempotencyKey", "createdAt", "updatedAt")
      SELECT 'c' || g, ${merchantExpr}, kind::"CaseKind", st::"CaseStatus", 'T' || g, '2026' || lpad(g::text, 12, '0'), 'RF' || g, paid, req,
             CASE WHEN st = 'REFUNDED' THEN req ELSE 0 END, CASE WHEN st IN ('REFUNDED','APPROVED') THEN req END,
             (ARRAY['未收到货','商品破损','不想要了','尺码不合适','Item arrived damaged','Wrong item sent'])[1 + g % 6], '2088' || lpad((g % 200000)::text, 12, '0'), cat,
             CASE WHEN g % 7 = 0 THEN 'en' ELSE 'zh-CN' END,
             CASE WHEN kind = 'DISPUTE' THEN 'CE' || g END, CASE WHEN kind = 'DISPUTE' THEN at + interval '72 hours' END,
             route::"Route",
             CASE WHEN route <> 'REVIEW' THEN '{}'::text[] WHEN s IS NULL THEN ARRAY['AI_UNAVAILABLE'] WHEN f < 0.75 THEN ARRAY['LOW_CONFIDENCE']
                  WHEN req > 20000 THEN ARRAY['ABOVE_AMOUNT_LIMIT'] ELSE ARRAY['GREY_BAND','AI_RECOMMENDS_REVIEW'] END,
             CASE WHEN route = 'REVIEW' AND NOT open THEN CASE WHEN mk = 1 THEN '${demoAgent(DEMO_MERCHANTS[0].id)}' WHEN mk = 2 THEN '${demoAgent(DEMO_MERCHANTS[1].id)}' ELSE 'u-load-' || mk END END,
             CASE WHEN NOT open THEN at + interval '2 seconds' + CASE WHEN route = 'REVIEW' THEN ((g * 7919) % 600) * interval '1 minute' ELSE interval '0' END END,
             CASE WHEN route = 'REVIEW' AND NOT open THEN 30000 + ((g * 104729) % 870000)::int END,
             CASE WHEN route = 'REVIEW' AND NOT open THEN CASE WHEN st = 'REFUNDED' THEN 'approve' WHEN st = 'REJECTED' THEN 'reject' ELSE 'feedback' END END,
             CASE WHEN kind = 'REFUND' THEN 'idem-' || g END, at, at + interval '2 seconds'
      FROM (
        SELECT *, (route = 'REVIEW' AND at > ${NOW} - interval '7 days' AND u > 0.05) AS open,
               CASE WHEN route = 'REVIEW' AND at > ${NOW} - interval '7 days' AND u > 0.05 THEN (CASE WHEN g % 40 = 0 THEN 'ESCALATED' ELSE 'REVIEW' END)
                    WHEN kind = 'DISPUTE' THEN (CASE WHEN g % 10 = 0 THEN 'CLOSED' ELSE 'FEEDBACK_SUBMITTED' END)
                    WHEN route = 'AUTO_APPROVE' THEN 'REFUNDED'
                    WHEN route = 'AUTO_REJECT' THEN (CASE WHEN g % 50 = 0 THEN 'REFUNDED' ELSE 'REJECTED' END)
                    WHEN g % 10 < 6 THEN 'REFUNDED' ELSE 'REJECTED' END AS st
        FROM load_gen) x;`);
    });
    await timed("AiDecision", () =>
      run(`
      INSERT INTO "AiDecision"(id, "merchantId", "caseId", endpoint, "conversationId", "riskScore", confidence, recommendation, explanation, "modelVersion",
                               "suggestedRefundFen", sentiment, anomalies, "proposedFeedbackCode", "policyVersion", route, reasons, failure, "createdAt")
      SELECT 'd' || g, ${merchantExpr}, 'c' || g, CASE WHEN kind = 'DISPUTE' THEN 'ai.dispute.analyze' ELSE 'ai.refund.assess' END,
             'c' || g || CASE WHEN kind = 'DISPUTE' THEN ':dispute' ELSE ':assess' END, s, f, rec,
             CASE WHEN s IS NULL THEN NULL WHEN s < 0.3 THEN 'Low risk: typical amount and reason for this category.' WHEN s >= 0.7 THEN 'High risk: repeated refunds from this customer.' ELSE 'Mixed signals: review the order history.' END,
             CASE WHEN s IS NULL THEN NULL WHEN at > ${NOW} - interval '14 days' THEN 'sbx-assess-2026-11' ELSE 'sbx-assess-2026-09' END,
             CASE WHEN kind = 'REFUND' AND s IS NOT NULL THEN req END,
             CASE WHEN s IS NULL THEN NULL WHEN g % 3 = 0 THEN 'negative' ELSE 'neutral' END,
             CASE WHEN s >= 0.7 THEN ARRAY['repeat_refunds'] ELSE '{}'::text[] END,
             CASE WHEN kind = 'DISPUTE' THEN '02' END, 1, route::"Route",
             CASE WHEN route <> 'REVIEW' THEN '{}'::text[] WHEN s IS NULL THEN ARRAY['AI_UNAVAILABLE'] WHEN f < 0.75 THEN ARRAY['LOW_CONFIDENCE'] ELSE ARRAY['GREY_BAND'] END,
             CASE WHEN s IS NULL THEN 'TIMEOUT' END, at + interval '1 second'
      FROM load_gen;
      -- 2% of cases were assessed twice (a policy replay); the earlier decision is superseded.
      INSERT INTO "AiDecision"(id, "merchantId", "caseId", endpoint, "conversationId", "riskScore", confidence, recommendation, "modelVersion", "policyVersion", route, reasons, "createdAt")
      SELECT 'd0-' || g, ${merchantExpr}, 'c' || g, 'ai.refund.assess', 'c' || g || ':assess', least(0.999, s + 0.05), f, rec, 'sbx-assess-2026-09', 1, route::"Route", '{}', at + interval '500 milliseconds'
      FROM load_gen WHERE g % 50 = 0 AND kind = 'REFUND' AND s IS NOT NULL;`),
    );

    await timed("ApiCall", () =>
      run(`
      -- risk score (refunds): 2.5% time out on the first attempt and succeed on the second; 0.5% are refused 429 first
      INSERT INTO "ApiCall"(id, "merchantId", "caseId", endpoint, "requestId", "traceId", "modelVersion", "httpStatus", code, "latencyMs", attempt, outcome, "costCny", "feeCny", "priceVersion", "createdAt")
      SELECT 'a' || g || '-' || n, ${merchantExpr}, 'c' || g, e.endpoint, md5(g || '-' || n), md5('t' || g || '-' || n), e.model,
             CASE e.outcome WHEN 'SUCCESS' THEN 200 WHEN 'RATE_LIMITED' THEN 429 END,
             CASE e.outcome WHEN 'RATE_LIMITED' THEN 'app-call-limited' END,
             CASE e.outcome WHEN 'TIMEOUT' THEN 800 WHEN 'RATE_LIMITED' THEN 5 ELSE 180 + ((g * 7 + n * 131) % 320) END,
             e.attempt, e.outcome, e.cost, e.fee, '2026-09', at + (n * 300) * interval '1 millisecond'
      FROM load_gen l
      JOIN "Case" c ON c.id = 'c' || g
      CROSS JOIN LATERAL (VALUES
        (1, 'ai.risk.score', 'sbx-risk', 1, CASE WHEN u < 0.025 THEN 'TIMEOUT' WHEN u < 0.03 THEN 'RATE_LIMITED' ELSE 'SUCCESS' END,
         CASE WHEN u < 0.03 OR l.kind = 'DISPUTE' THEN 0 ELSE 0.02 END, 0::numeric),
        (2, 'ai.risk.score', 'sbx-risk', 2, CASE WHEN u < 0.03 THEN 'SUCCESS' END, 0.02, 0::numeric),
        (3, CASE WHEN l.kind = 'DISPUTE' THEN 'ai.dispute.analyze' ELSE 'ai.refund.assess' END, 'sbx-assess', 1,
         CASE WHEN s IS NULL THEN 'TIMEOUT' ELSE 'SUCCESS' END, CASE WHEN s IS NULL THEN 0 WHEN l.kind = 'DISPUTE' THEN 0.05 ELSE 0.03 * (1 + g % 2) END, 0::numeric),
        (4, 'trade.refund', NULL, 1, CASE WHEN c.status = 'REFUNDED' THEN 'SUCCESS' END,
         0, round(req * 0.006) / 100.0),
        (5, 'tradecomplain.feedback', NULL, 1, CASE WHEN l.kind = 'DISPUTE' THEN 'SUCCESS' END, 0, 0::numeric)
      ) AS e(n, endpoint, model, attempt, outcome, cost, fee)
      WHERE e.outcome IS NOT NULL AND NOT (e.n IN (1, 2) AND l.kind = 'DISPUTE');`),
    );

    await timed("AuditEvent", () =>
      run(`
      INSERT INTO "AuditEvent"("merchantId", "actorId", action, "targetType", "targetId", before, after, "createdAt")
      SELECT ${merchantExpr}, e.actor, e.action, 'case', 'c' || g, e.before, e.after, at + e.dt
      FROM load_gen l
      JOIN "Case" c ON c.id = 'c' || g
      CROSS JOIN LATERAL (VALUES
        (1, CASE WHEN l.kind = 'DISPUTE' THEN 'dispute.received' ELSE 'case.created' END, NULL::text, NULL::jsonb, jsonb_build_object('status', 'NEW', 'amountFen', req), interval '0'),
        (2, 'case.routed', NULL, jsonb_build_object('status', 'NEW'), jsonb_build_object('route', l.route, 'status', CASE l.route WHEN 'AUTO_APPROVE' THEN 'APPROVED' WHEN 'AUTO_REJECT' THEN 'REJECTED' ELSE 'REVIEW' END), interval '1 second'),
        (3, CASE WHEN c."decisionCode" = 'approve' THEN 'case.approved' WHEN c."decisionCode" = 'reject' THEN 'reject' WHEN c."decisionCode" = 'feedback' THEN 'dispute.feedback_submitted'
                 WHEN c.status = 'REFUNDED' THEN 'refund.executed' END,
         c."decidedById", jsonb_build_object('status', 'REVIEW'), jsonb_build_object('status', c.status::text), interval '3 seconds')
      ) AS e(n, action, actor, before, after, dt)
      WHERE e.action IS NOT NULL;`),
    );

    await run(`DROP TABLE load_gen`);
  }
  await timed("analyze", async () => {
    for (const t of TABLES) await conn.runner.script(`VACUUM ANALYZE "${t}"`);
  });
  for (const r of REBUILDS) await timed(`rebuild ${r.name}`, () => r.run(conn));
  const rows: Record<string, number> = {};
  for (const t of TABLES)
    rows[t] = (
      await conn.runner.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${t}"`,
      )
    )[0]!.n;
  const totalRows = Object.values(rows).reduce((a, b) => a + b, 0);
  return {
    rows,
    seconds,
    totalRows,
    totalSeconds: (performance.now() - t0) / 1000,
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let url = args.databaseUrl;
  if (!url) {
    const name = args.database!;
    if (args.reset)
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const exists = await adminQuery(
      `SELECT 1 FROM pg_database WHERE datname = '${name}'`,
    );
    if (exists.rowCount === 0) await adminQuery(`CREATE DATABASE "${name}"`);
    const u = new URL(BENCH_SERVER);
    u.pathname = `/${name}`;
    url = u.toString();
  }
  const conn = connectPg(url, { max: 4 });
  try {
    await applyMigrations(conn.runner);
    console.log(
      `generating ${args.cases.toLocaleString("en")} cases for ${args.merchants} merchants over ${args.days} days into ${url.replace(/\/\/[^@]*@/, "//")}`,
    );
    const s = await generateLoad(conn, {
      ...args,
      log: (l) => console.log(l),
    });
    for (const t of TABLES) {
      const secs = s.seconds[t];
      console.log(
        `  ${t.padEnd(16)} ${s.rows[t]!.toLocaleString("en").padStart(12)} rows${secs ? `  ${secs.toFixed(1)} s  ${Math.round(s.rows[t]! / secs).toLocaleString("en")} rows/s` : ""}`,
      );
    }
    console.log(`  VACUUM ANALYZE   ${s.seconds.analyze!.toFixed(1)} s`);
    console.log(
      `total ${s.totalRows.toLocaleString("en")} rows in ${s.totalSeconds.toFixed(1)} s = ${Math.round(s.totalRows / s.totalSeconds).toLocaleString("en")} rows/s`,
    );
    console.log(
      `sign in with the demo accounts (password ${DEMO_PASSWORD}) by starting the console with DATABASE_URL=${url}`,
    );
  } finally {
    await conn.close();
  }
}

if (process.argv[1]?.endsWith("generate-load.ts")) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
