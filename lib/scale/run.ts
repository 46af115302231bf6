import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import pg from "pg";
import { generateRsaKeyPair } from "../alipay/keys";
import { applyMigrations } from "../db/migrations";
import { pgRunner } from "../db/runner";
import { hashPassword } from "../auth/passwords";
import { DEMO_MERCHANTS, DEMO_PASSWORD } from "../demo/accounts";
import type { SandboxState } from "../sandbox/server";
import { auditConversations, type ConversationAudit } from "./checks";
import { bin, startProcess, waitForHttp, waitForOutput, type Proc } from "./processes";
import { signIn } from "./session";

export interface MultiInstanceOptions {
  /** PostgreSQL server; a database named `database` is dropped and created on it */
  server: string;
  database: string;
  cases: number;
  consolePorts: [number, number];
  workers: number;
  /** metrics ports for the first workers (fewer than `workers` is fine) */
  workerMetricsPorts: number[];
  /** the per-app limit, enforced by the sandbox and shared by the workers' database bucket */
  ratePerMinute: number;
  /**
   * The sandbox counts the limit in this trailing window (default 60 s), `ratePerMinute` scaled to
   * it: a short window makes a saturation run quick, and is stricter (less room for bursts).
   */
  rateWindowMs?: number;
  sandboxLatency: string;
  workerConcurrency: number;
  intakeConcurrency: number;
  distDir: string;
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface MultiInstanceResult {
  cases: number;
  intakeSeconds: number;
  intakePerSecond: number;
  intakeRetries: number;
  processSeconds: number;
  casesPerSecond: number;
  statusCounts: Record<string, number>;
  /** `aiFailed`: cases decided without the AI (it failed or timed out, e.g. waiting for the rate limit) */
  decisions: { cases: number; withOne: number; withMore: number; withNone: number; aiFailed: number };
  jobs: { failed: number; pending: number; byWorkerMax: number };
  sandbox: {
    /** the gateway's own count for the app, over every trailing window */
    window: { windowMs: number; limit: number; accepted: number; refused: number; peak: number; peakAttempted: number; peakAt: string | null };
    conversations: ConversationAudit & { count: number; calls: number; charged: number; unkeyedCalls: number };
    replayed: number;
    requests: number;
    byEndpoint: Record<string, { calls: number; fee: string }>;
  };
  ledger: { calls: number; rateLimited: number; maxIn60s: number; failedAttempts: number };
  rateLimit: { perMinute: number; aiCallsPerSecond: number; utilization: number };
  queue: Record<string, { same: boolean; rows: number; counts: unknown }>;
  metricsSample: string;
  metricsStatus: number;
  storage: Record<string, { rowsPerCase: number; avgRowBytes: number }>;
}

const APP_ID = "2021000000077777";
const CONSOLE_ADMINS: Record<string, string> = { "m-teahouse": "admin@teahouse.demo", "m-gadgets": "admin@gadgets.demo" };

async function admin(server: string, sql: string) {
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function apiKey() {
  const b62 = (n: number) => randomBytes(n * 2).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, n);
  const prefix = b62(8);
  const key = `sk_live_${prefix}_${b62(32)}`;
  return { prefix, key, hash: createHash("sha256").update(key).digest("hex") };
}

/** Deterministic, varied refund requests: amounts around the 200 CNY review limit, both merchants. */
export function refundRequest(i: number) {
  const merchant = i % 2 === 0 ? "m-teahouse" : "m-gadgets";
  const paidFen = i % 10 === 0 ? 20_100 + ((i * 7919) % 60_000) : 990 + ((i * 7919) % 18_000);
  const partial = i % 5 === 0;
  const refundFen = partial ? Math.max(100, Math.floor(paidFen / 2 / 10) * 10) : paidFen;
  const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
  return {
    merchant,
    idempotencyKey: `scale-${i}`,
    body: {
      out_trade_no: `SCALE${String(i).padStart(8, "0")}`,
      paid_amount: yuan(paidFen),
      refund_amount: yuan(refundFen),
      currency: "CNY",
      reason: ["未收到货", "Item arrived damaged", "不想要了", "Wrong size", "商品与描述不符"][i % 5],
      customer: { id: `20880000${String(i % 5000).padStart(8, "0")}` },
      merchant_category: merchant === "m-teahouse" ? ["tea", "teaware", "gift_box"][i % 3] : ["electronics", "accessories", "digital_goods"][i % 3],
    },
  };
}

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/**
 * 2 console instances (`next start` of one build) and 3 `npm run worker` processes on one fresh
 * PostgreSQL database, a standalone sandbox gateway; `cases` refund requests through the intake
 * API split over both instances; then the checks. Every process started here is stopped here.
 */
export async function runMultiInstance(o: MultiInstanceOptions): Promise<MultiInstanceResult> {
  const say = o.log ?? (() => undefined);
  if (!existsSync(`${o.distDir}/BUILD_ID`)) throw new Error(`no production build in ${o.distDir}: run NEXT_DIST_DIR=${o.distDir} npx next build first`);
  await admin(o.server, `DROP DATABASE IF EXISTS "${o.database}" WITH (FORCE)`);
  await admin(o.server, `CREATE DATABASE "${o.database}"`);
  const url = new URL(o.server);
  url.pathname = `/${o.database}`;
  const databaseUrl = url.toString();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const runner = pgRunner(client);
  const procs: Proc[] = [];
  try {
    await applyMigrations(runner);
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const keys: Record<string, string> = {};
    for (const m of DEMO_MERCHANTS) {
      await client.query(`INSERT INTO "Merchant"(id, name, "timeZone") VALUES ($1, $2, $3)`, [m.id, m.name, m.timeZone]);
      const k = apiKey();
      keys[m.id] = k.key;
      await client.query(`INSERT INTO "ApiKey"(id, "merchantId", name, prefix, hash) VALUES ($1, $2, 'scale test', $3, $4)`, [`key-${m.id}`, m.id, k.prefix, k.hash]);
      await client.query(`INSERT INTO "User"(id, email, name, "passwordHash") VALUES ($1, $2, $2, $3)`, [`u-${m.id}`, CONSOLE_ADMINS[m.id], passwordHash]);
      await client.query(`INSERT INTO "Membership"("merchantId", "userId", role) VALUES ($1, $2, 'ADMIN')`, [m.id, `u-${m.id}`]);
    }

    const app = generateRsaKeyPair();
    const alipay = generateRsaKeyPair();
    const windowMs = o.rateWindowMs ?? 60_000;
    const perWindow = (o.ratePerMinute * windowMs) / 60_000;
    if (!Number.isInteger(perWindow) || perWindow < 1) throw new Error(`${o.ratePerMinute}/min is not a whole number of calls per ${windowMs} ms window`);
    const sandboxArgs = ["lib/sandbox/cli.ts", "--port", "0", "--latency", o.sandboxLatency, "--rate-limit", String(perWindow), "--rate-window-ms", String(windowMs), "--no-state"];
    const sandbox = startProcess("sandbox", bin("tsx"), sandboxArgs, {
      SANDBOX_APP_ID: APP_ID,
      SANDBOX_APP_PUBLIC_KEY: app.publicKey,
      SANDBOX_ALIPAY_PRIVATE_KEY: alipay.privateKey,
    });
    procs.push(sandbox);
    const gateway = (await waitForOutput(sandbox, /listening on (http:\/\/\S+)/))[1]!;
    say(`sandbox ${gateway}, limit ${perWindow} per ${windowMs / 1000} s (${o.ratePerMinute}/min), latency ${o.sandboxLatency} ms`);

    const metricsToken = randomBytes(24).toString("hex");
    const common = {
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
      REASONING_LOG_KEY: randomBytes(32).toString("base64"),
      ALIPAY_GATEWAY_URL: gateway,
      ALIPAY_APP_ID: APP_ID,
      ALIPAY_APP_PRIVATE_KEY: app.privateKey,
      ALIPAY_PUBLIC_KEY: alipay.publicKey,
      AI_RATE_LIMIT_PER_MINUTE: String(o.ratePerMinute),
      METRICS_TOKEN: metricsToken,
      DEMO_TRICKLE: "off",
      LOG_LEVEL: "info",
    };
    const consoles = o.consolePorts.map((port, i) =>
      startProcess(`console-${i + 1}`, bin("next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
        ...common,
        NEXT_DIST_DIR: o.distDir,
        NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      }),
    );
    procs.push(...consoles);
    const workers = Array.from({ length: o.workers }, (_, i) => {
      const port = o.workerMetricsPorts[i];
      const metrics = port ? ["--metrics-port", String(port)] : [];
      return startProcess(`worker-${i + 1}`, bin("tsx"), ["lib/jobs/worker-cli.ts", "--concurrency", String(o.workerConcurrency), ...metrics], common);
    });
    procs.push(...workers);
    const bases = o.consolePorts.map((p) => `http://127.0.0.1:${p}`);
    await Promise.all(bases.map((b, i) => waitForHttp(`${b}/api/ready`, consoles[i]!)));
    await Promise.all(workers.map((w) => waitForOutput(w, /"msg":"worker started"/)));
    say(`2 consoles (${bases.join(", ")}) ready, ${workers.length} workers × ${o.workerConcurrency} in flight`);

    // The sandbox stands in for the merchants' Alipay accounts: it must know the trades to refund.
    await pool(o.cases, 16, async (i) => {
      const r = refundRequest(i);
      const res = await fetch(`${gateway}/__sandbox/trades`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ out_trade_no: r.body.out_trade_no, total_amount: r.body.paid_amount }) });
      if (!res.ok) throw new Error(`sandbox trade ${i}: ${res.status}`);
      await res.body?.cancel();
    });

    const t0 = performance.now();
    let lastProgress = 0;
    // A merchant's system retries a 5xx with the same Idempotency-Key: that is what the key is for.
    let intakeRetries = 0;
    const intakeErrors: string[] = [];
    await pool(o.cases, o.intakeConcurrency, async (i) => {
      const r = refundRequest(i);
      for (let attempt = 1; ; attempt++) {
        const base = bases[(i + attempt - 1) % 2]!;
        const res = await fetch(`${base}/api/v1/refund-requests`, {
          method: "POST",
          headers: { authorization: `Bearer ${keys[r.merchant]}`, "idempotency-key": r.idempotencyKey, "content-type": "application/json" },
          body: JSON.stringify(r.body),
        });
        const text = await res.text();
        if (res.status === 201 || (attempt > 1 && res.status === 200)) return;
        if (res.status < 500 || attempt === 3) throw new Error(`intake ${i} at ${base}: ${res.status} ${text}`);
        intakeRetries++;
        if (intakeErrors.length < 5) intakeErrors.push(`${res.status} ${text.slice(0, 200)}`);
      }
    });
    const intakeSeconds = (performance.now() - t0) / 1000;
    say(`intake: ${o.cases} requests in ${intakeSeconds.toFixed(1)} s (${(o.cases / intakeSeconds).toFixed(0)}/s over both instances), ${intakeRetries} retried after a 5xx`);
    if (intakeRetries) say(`  console errors:\n${consoles.map((c) => c.output().split("\n").filter((l) => l.includes('"level":"error"') || l.includes("Error")).slice(0, 10).join("\n")).join("\n")}`);

    // Processed = no job left to run and no case waiting for its assessment.
    const until = Date.now() + o.timeoutMs;
    for (;;) {
      const [s] = (await client.query<{ pending: number; waiting: number }>(
        `SELECT (SELECT count(*)::int FROM "Job" WHERE status IN ('QUEUED','RUNNING')) AS pending,
                (SELECT count(*)::int FROM "Case" WHERE status IN ('NEW','ASSESSING','APPROVED','EXECUTING')) AS waiting`,
      )).rows;
      if (s!.pending === 0 && s!.waiting === 0) break;
      if (Date.now() > until) throw new Error(`not processed within ${o.timeoutMs} ms: ${s!.pending} jobs pending, ${s!.waiting} cases waiting`);
      for (const p of procs) if (p.child.exitCode !== null) throw new Error(`${p.name} exited with ${p.child.exitCode}:\n${p.output().slice(-3000)}`);
      if (Date.now() - lastProgress > 15_000) {
        lastProgress = Date.now();
        say(`  ${((performance.now() - t0) / 1000).toFixed(0)} s: ${s!.pending} jobs pending, ${s!.waiting} cases waiting`);
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const processSeconds = (performance.now() - t0) / 1000;

    const q = async <T extends pg.QueryResultRow>(sql: string) => (await client.query<T>(sql)).rows;
    const statusCounts = Object.fromEntries((await q<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM "Case" GROUP BY 1 ORDER BY 1`)).map((r) => [r.status, r.n]));
    const [d] = await q<{ cases: number; one: number; more: number; none: number; failed: number }>(`
      SELECT count(*)::int AS cases, count(*) FILTER (WHERE n = 1)::int AS one, count(*) FILTER (WHERE n > 1)::int AS more, count(*) FILTER (WHERE n = 0)::int AS none,
             count(*) FILTER (WHERE failed > 0)::int AS failed
      FROM (SELECT c.id, count(a.id) AS n, count(a.failure) AS failed
            FROM "Case" c LEFT JOIN "AiDecision" a ON a."merchantId" = c."merchantId" AND a."caseId" = c.id GROUP BY c.id) x`);
    const [j] = await q<{ failed: number; pending: number }>(`SELECT count(*) FILTER (WHERE status = 'FAILED')::int AS failed, count(*) FILTER (WHERE status IN ('QUEUED','RUNNING'))::int AS pending FROM "Job"`);
    const [jw] = await q<{ m: number }>(`SELECT COALESCE(max(attempts), 0)::int AS m FROM "Job"`);
    const [l] = await q<{ calls: number; limited: number; failed: number; ai: number; first: Date; last: Date }>(`
      SELECT count(*)::int AS calls, count(*) FILTER (WHERE outcome = 'RATE_LIMITED' OR "httpStatus" = 429)::int AS limited,
             count(*) FILTER (WHERE outcome <> 'SUCCESS')::int AS failed, count(*)::int AS ai, min("createdAt") AS first, max("createdAt") AS last FROM "ApiCall"`);
    // Calls recorded in any trailing 60 s (record time, after the response: an upper-bound proxy).
    const [w] = await q<{ m: number }>(`
      SELECT COALESCE(max(n), 0)::int AS m FROM (
        SELECT count(*) OVER (ORDER BY "createdAt" RANGE BETWEEN interval '59.999 seconds' PRECEDING AND CURRENT ROW) AS n FROM "ApiCall") x`);
    // Storage per case: rows per case and average row size per table (heap only; indexes come on top).
    const storage: MultiInstanceResult["storage"] = {};
    for (const table of ["Case", "AiDecision", "ApiCall", "AuditEvent", "Job"]) {
      const [r] = await q<{ n: number; bytes: number }>(`SELECT count(*)::int AS n, COALESCE(avg(pg_column_size(t.*)), 0)::float8 AS bytes FROM "${table}" t`);
      storage[table] = { rowsPerCase: r!.n / o.cases, avgRowBytes: Math.round(r!.bytes) };
    }
    const state = (await (await fetch(`${gateway}/__sandbox/state`)).json()) as SandboxState;
    const usage = state.usage.apps[APP_ID] ?? { limit: perWindow, accepted: 0, refused: 0, peak: 0, peakAttempted: 0, peakAt: null };
    const caseIds = (await q<{ id: string }>(`SELECT id FROM "Case"`)).map((c) => c.id);
    const { list, chargedMoreThanOnce: _twice, ...conversationTotals } = state.usage.conversations;

    // The same queue from both instances, each with its own sign-in.
    const queue: MultiInstanceResult["queue"] = {};
    for (const m of DEMO_MERCHANTS) {
      const cookies = await Promise.all(bases.map((b) => signIn(b, CONSOLE_ADMINS[m.id]!, DEMO_PASSWORD)));
      const answers = await Promise.all(
        bases.map(async (b, i) => {
          const res = await fetch(`${b}/api/m/${m.id}/queue`, { headers: { cookie: cookies[i]! } });
          if (!res.ok) throw new Error(`queue at ${b}: ${res.status} ${await res.text()}`);
          // the lanes and rows; readAt is each instance's own clock
          const { counts, rows } = (await res.json()) as { counts: unknown; rows: unknown[]; readAt: string };
          return { counts, rows };
        }),
      );
      queue[m.id] = { same: JSON.stringify(answers[0]) === JSON.stringify(answers[1]), rows: answers[0]!.rows.length, counts: answers[0]!.counts };
    }
    const metricsRes = await fetch(`${bases[0]}/api/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    let metricsSample = (await metricsRes.text()).trim();
    if (o.workerMetricsPorts[0]) {
      const workerMetrics = await fetch(`http://127.0.0.1:${o.workerMetricsPorts[0]}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      metricsSample += "\n" + (await workerMetrics.text()).split("\n").filter((line) => line.startsWith("alipay_")).slice(0, 12).join("\n");
    }

    const activeSeconds = Math.max(1, (new Date(l!.last).getTime() - new Date(l!.first).getTime()) / 1000);
    return {
      cases: o.cases,
      intakeSeconds,
      intakePerSecond: o.cases / intakeSeconds,
      intakeRetries,
      processSeconds,
      casesPerSecond: o.cases / processSeconds,
      statusCounts,
      decisions: { cases: d!.cases, withOne: d!.one, withMore: d!.more, withNone: d!.none, aiFailed: d!.failed },
      jobs: { failed: j!.failed, pending: j!.pending, byWorkerMax: jw!.m },
      sandbox: {
        window: { windowMs: state.usage.windowMs, ...usage },
        conversations: { ...conversationTotals, ...auditConversations(caseIds, list) },
        replayed: state.billing.replayedCalls,
        requests: state.requests.total,
        byEndpoint: state.billing.byEndpoint,
      },
      ledger: { calls: l!.calls, rateLimited: l!.limited, maxIn60s: w!.m, failedAttempts: l!.failed },
      rateLimit: { perMinute: o.ratePerMinute, aiCallsPerSecond: l!.calls / activeSeconds, utilization: l!.calls / activeSeconds / (o.ratePerMinute / 60) },
      queue,
      metricsSample,
      metricsStatus: metricsRes.status,
      storage,
    };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await client.end();
    await admin(o.server, `DROP DATABASE IF EXISTS "${o.database}" WITH (FORCE)`).catch(() => undefined);
  }
}
