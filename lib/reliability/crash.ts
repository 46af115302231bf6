import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { connectPg, type Connection } from "../db/connect";
import { applyMigrations } from "../db/migrations";
import type { FaultRuleInput } from "../sandbox/faults";
import {
  accountFor,
  httpSandboxControl,
  seedCases,
  type Accounting,
} from "./scenario";

/** The PostgreSQL server the crash run creates its database on (the worker process needs a server). */
export const CRASH_SERVER =
  process.env.TEST_DATABASE_URL ??
  process.env.BENCH_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/postgres";

async function admin(server: string, sql: string) {
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function freshServerDb(
  name: string,
  server = CRASH_SERVER,
): Promise<Connection & { url: string; drop(): Promise<void> }> {
  await admin(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin(server, `CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const conn = connectPg(url.toString(), { max: 4 });
  await applyMigrations(conn.runner);
  return {
    ...conn,
    url: url.toString(),
    async drop() {
      await conn.close();
      await admin(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

const ROOT = path.resolve(import.meta.dirname, "../..");

/** node with tsx as a loader, not the tsx wrapper: the pid is the process itself, so SIGKILL kills the worker and not a relay. */
function spawnTs(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
): ChildProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, script), ...args],
    { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  const log = createWriteStream(logFile, { flags: "a" });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  // if this process dies first (a test runner's timeout), the child must not outlive it
  const reap = () => child.kill("SIGKILL");
  process.once("exit", reap);
  child.once("exit", () => {
    log.end();
    process.off("exit", reap);
  });
  return child;
}

function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(
      () =>
        done(new Error(`no line matching ${pattern} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const m = pattern.exec(buffer);
      if (m) done(null, m);
    };
    const onExit = (code: number | null) =>
      done(
        new Error(
          `process exited (${code}) before printing ${pattern}:\n${buffer.slice(-2000)}`,
        ),
      );
    const done = (err: Error | null, m?: RegExpExecArray) => {
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      child.off("exit", onExit);
      if (err) reject(err);
      else resolve(m!);
    };
    child.stdout!.on("data", onData);
    child.once("exit", onExit);
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface CrashOptions {
  cases: number;
  kills: number;
  concurrency?: number;
  /** sandbox latency per answer, ms */
  latency?: string;
  /** faults the sandbox injects meanwhile; default: 2% of refund answers lost after the refund was made */
  faults?: FaultRuleInput[];
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface KillRecord {
  at: number;
  jobsDone: number;
  /** jobs the dead worker held */
  interrupted: number;
  /** refunds in flight: the case was EXECUTING when the worker died */
  executing: number;
}

export interface CrashResult {
  cases: number;
  kills: KillRecord[];
  seconds: number;
  accounting: Accounting;
  logDir: string;
}

/**
 * A standalone sandbox and database, `cases` cases, and `npm run worker` processes killed with
 * SIGKILL at random moments and restarted; the last one runs until every job is done.
 */
export async function runCrashScenario(
  options: CrashOptions,
): Promise<CrashResult> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const dir = mkdtempSync(path.join(tmpdir(), "reliability-crash-"));
  const dbName = `rel_crash_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const db = await freshServerDb(dbName);
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    DATA_DIR: dir,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const faults = options.faults ?? [
    {
      kind: "drop",
      path: "/v3/alipay/trade/refund",
      phase: "after",
      probability: 0.02,
    },
  ];
  const sandbox = spawnTs(
    "lib/sandbox/cli.ts",
    [
      "--port",
      "0",
      "--latency",
      options.latency ?? "2-20",
      "--rate-limit",
      "10000000",
      "--no-state",
      "--seed",
      dbName,
      "--faults",
      JSON.stringify(faults),
    ],
    baseEnv,
    path.join(dir, "sandbox.log"),
  );
  let worker: ChildProcess | null = null;
  try {
    const url = (
      await waitForLine(sandbox, /listening on (http:\/\/\S+)/, 60_000)
    )[1]!;
    const control = httpSandboxControl(url);
    const seeded = await seedCases(db.prisma, control, options.cases, {
      merchantId: "m-crash",
      prefix: "C",
    });
    log(
      `seeded ${options.cases} cases; sandbox ${url}; database ${dbName}; logs in ${dir}`,
    );

    const workerEnv: NodeJS.ProcessEnv = {
      ...baseEnv,
      DATABASE_URL: db.url,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
      REASONING_LOG_KEY: randomBytes(32).toString("base64"),
      ALIPAY_GATEWAY_URL: url,
      ALIPAY_APP_ID: "2021000000000001",
      ALIPAY_APP_PRIVATE_KEY: path.join(dir, "sandbox", "app-private-key.pem"),
      ALIPAY_PUBLIC_KEY: path.join(dir, "sandbox", "alipay-public-key.pem"),
      AI_RATE_LIMIT_PER_MINUTE: "100000",
      AI_TIMEOUT_MS: "5000",
    };
    const concurrency = String(options.concurrency ?? 8);
    const startWorker = async (n: number) => {
      const w = spawnTs(
        "lib/jobs/worker-cli.ts",
        ["--concurrency", concurrency],
        workerEnv,
        path.join(dir, `worker-${n}.log`),
      );
      try {
        await waitForLine(w, /worker\]? started/, 90_000);
      } catch (err) {
        w.kill("SIGKILL");
        await exited(w);
        throw err;
      }
      return w;
    };
    const counts = async () => {
      const rows = await db.runner.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM "Job" GROUP BY status`,
      );
      const get = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
      return {
        done: get("DONE") + get("FAILED"),
        open: get("QUEUED") + get("RUNNING"),
      };
    };
    const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);

    const kills: KillRecord[] = [];
    for (let k = 0; k < options.kills; k++) {
      worker = await startWorker(k);
      const before = await counts();
      // die somewhere in the next stretch of work: kills spread over the run, at no particular step
      const stretch = Math.max(
        1,
        Math.floor(before.open / (options.kills - k + 1)),
      );
      const target = before.done + 1 + Math.floor(Math.random() * stretch);
      while ((await counts()).done < target && Date.now() < deadline)
        await sleep(5);
      await sleep(Math.floor(Math.random() * 40));
      worker.kill("SIGKILL");
      await exited(worker);
      worker = null;
      const [held] = await db.runner.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "Job" WHERE status = 'RUNNING'`,
      );
      const [executing] = await db.runner.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "Case" WHERE status = 'EXECUTING' AND kind = 'REFUND'`,
      );
      const after = await counts();
      kills.push({
        at: Math.round(performance.now() - started),
        jobsDone: after.done,
        interrupted: held!.n,
        executing: executing!.n,
      });
      log(
        `kill ${k + 1}: SIGKILL after ${after.done} jobs done; it held ${held!.n} jobs, ${executing!.n} cases EXECUTING`,
      );
      // The dead worker's leases would expire in JOB_LEASE_MS; the clock is moved on instead of waiting.
      await db.runner.query(
        `UPDATE "Job" SET "leaseUntil" = now() - interval '1 second' WHERE status = 'RUNNING'`,
      );
    }

    worker = await startWorker(options.kills);
    for (;;) {
      const c = await counts();
      if (c.open === 0) break;
      if (Date.now() > deadline)
        throw new Error(`crash run timed out with ${c.open} jobs open`);
      // a job backing off after a fault is made due now: the clock moves, nothing else
      await db.runner.query(
        `UPDATE "Job" SET "runAt" = now() WHERE status = 'QUEUED' AND "runAt" > now()`,
      );
      await sleep(100);
    }
    worker.kill("SIGTERM");
    await exited(worker);
    worker = null;

    const accounting = await accountFor(db.prisma, control, seeded);
    return {
      cases: options.cases,
      kills,
      seconds: (performance.now() - started) / 1000,
      accounting,
      logDir: dir,
    };
  } finally {
    if (worker) {
      worker.kill("SIGKILL");
      await exited(worker);
    }
    sandbox.kill("SIGTERM");
    await exited(sandbox);
    await db.drop();
  }
}

export function removeLogs(result: CrashResult) {
  rmSync(result.logDir, { recursive: true, force: true });
}
