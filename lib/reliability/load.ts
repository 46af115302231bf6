import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { seedDemo } from "../demo/seed";
import { freshServerDb } from "./crash";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const LOAD_DIST_DIR = ".next-reliability";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const base62 = (n: number) =>
  Array.from(randomBytes(n), (b) => BASE62[b % 62]).join("");

export interface LoadFigures {
  name: string;
  seconds: number;
  connections: number;
  requests: number;
  /** requests per second: mean, and the slowest and fastest second */
  rate: { mean: number; min: number; max: number };
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** non-2xx answers, socket errors and timeouts over all requests */
  errorRate: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

interface AutocannonJson {
  requests: {
    average: number;
    min: number;
    max: number;
    total: number;
    sent: number;
  };
  latency: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function runClient(spec: object): Promise<AutocannonJson> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(ROOT, "lib/reliability/load-client.ts"),
        JSON.stringify(spec),
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`load client exited ${code}`));
      try {
        resolve(JSON.parse(out) as AutocannonJson);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

function figures(
  name: string,
  seconds: number,
  connections: number,
  r: AutocannonJson,
): LoadFigures {
  const total =
    Object.values(r.statuses).reduce((s, n) => s + n, 0) +
    r.errors +
    r.timeouts;
  return {
    name,
    seconds,
    connections,
    requests: total,
    rate: {
      mean: r.requests.average,
      min: r.requests.min,
      max: r.requests.max,
    },
    latencyMs: {
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
    },
    errorRate: total === 0 ? 1 : (r.non2xx + r.errors + r.timeouts) / total,
    statuses: r.statuses,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

/** Signs in through next-auth's credentials callback (CSRF token and cookie first) and returns the cookie header. */
export async function signIn(
  base: string,
  email: string,
  password: string,
): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  };
  keep(csrf);
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: cookie(),
    },
    body: new URLSearchParams({
      csrfToken,
      email,
      password,
      json: "true",
      callbackUrl: base,
    }).toString(),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.endsWith("next-auth.session-token")))
    throw new Error(`sign-in failed: HTTP ${res.status}`);
  return cookie();
}

export interface LoadOptions {
  seconds: number;
  connections?: number;
  port?: number;
  log?: (line: string) => void;
}

/**
 * A production build (`next build` with NEXT_DIST_DIR=.next-reliability, made beforehand) started
 * on a fresh PostgreSQL database with the demo data, then autocannon from a second process on
 * loopback: the intake API with an API key, and the review queue's data endpoint with a session.
 */
export async function runLoad(options: LoadOptions): Promise<LoadFigures[]> {
  const log = options.log ?? (() => {});
  if (!existsSync(path.join(ROOT, LOAD_DIST_DIR, "BUILD_ID"))) {
    throw new Error(
      `no production build in ${LOAD_DIST_DIR}: run NEXT_DIST_DIR=${LOAD_DIST_DIR} npm run build first (then git checkout tsconfig.json)`,
    );
  }
  const port = options.port ?? 3290;
  const connections = options.connections ?? 16;
  const base = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(path.join(tmpdir(), "reliability-load-"));
  const db = await freshServerDb(`rel_load_${Date.now().toString(36)}`);
  let server: ChildProcess | null = null;
  try {
    const reasoningKey = randomBytes(32);
    await seedDemo(db.prisma, { reasoningKey, casesPerMerchant: 3_000 });
    // An API key as the admin page makes one: shown once, stored as its sha256.
    const prefix = base62(8);
    const key = `sk_live_${prefix}_${base62(32)}`;
    await db.prisma.apiKey.create({
      data: {
        merchantId: "m-teahouse",
        name: "load test",
        prefix,
        hash: createHash("sha256").update(key).digest("hex"),
      },
    });

    const serverLog = createWriteStream(path.join(dir, "server.log"));
    server = spawn(
      process.execPath,
      [
        path.join(ROOT, "node_modules/next/dist/bin/next"),
        "start",
        "-p",
        String(port),
        "-H",
        "127.0.0.1",
      ],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NODE_ENV: "production",
          NEXT_TELEMETRY_DISABLED: "1",
          NEXT_DIST_DIR: LOAD_DIST_DIR,
          DATA_DIR: dir,
          DATABASE_URL: db.url,
          NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
          NEXTAUTH_URL: base,
          REASONING_LOG_KEY: reasoningKey.toString("base64"),
          DEMO_TRICKLE: "off",
        },
      },
    );
    server.stdout!.pipe(serverLog);
    server.stderr!.pipe(serverLog);
    const up = Date.now();
    for (;;) {
      if (server.exitCode !== null)
        throw new Error(
          `next start exited (${server.exitCode}); see ${dir}/server.log`,
        );
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() - up > 120_000)
        throw new Error("next start did not answer /api/health within 120 s");
      await sleep(250);
    }
    const cookie = await signIn(base, "agent@teahouse.demo", "demo-password");
    log(
      `server up on ${base} (logs in ${dir}); signed in; ${connections} connections, ${options.seconds} s per endpoint`,
    );

    // warm both routes (first compile of the route's chunks), so the window measures steady state
    for (let i = 0; i < 5; i++)
      await fetch(`${base}/api/m/m-teahouse/queue`, { headers: { cookie } });

    const results: LoadFigures[] = [];
    const intake = await runClient({
      url: `${base}/api/v1/refund-requests`,
      method: "POST",
      headers: { authorization: `Bearer ${key}` },
      connections,
      seconds: options.seconds,
      intake: true,
    });
    results.push(
      figures(
        "POST /api/v1/refund-requests (API key, new Idempotency-Key each)",
        options.seconds,
        connections,
        intake,
      ),
    );
    log(JSON.stringify(results.at(-1)));
    const queue = await runClient({
      url: `${base}/api/m/m-teahouse/queue`,
      method: "GET",
      headers: { cookie },
      connections,
      seconds: options.seconds,
    });
    results.push(
      figures(
        "GET /api/m/m-teahouse/queue (session cookie)",
        options.seconds,
        connections,
        queue,
      ),
    );
    log(JSON.stringify(results.at(-1)));
    const cases = await db.prisma.case.count({
      where: { idempotencyKey: { startsWith: "load-" } },
    });
    log(`intake wrote ${cases} cases`);
    return results;
  } finally {
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server!.once("exit", r));
    }
    await db.drop();
  }
}
