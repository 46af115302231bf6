import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkMultiInstance } from "./checks";
import { bin } from "./processes";
import { runMultiInstance } from "./run";

/**
 * The CI-sized multi-instance run: 300 refund requests through 2 `next start` instances of one
 * build, 3 worker processes, a standalone sandbox, one fresh database on the PostgreSQL server
 * (TEST_DATABASE_URL, else the local one). The build is reused from .next-scale when present.
 */
const SERVER = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const DIST = ".next-scale";

function ensureBuild() {
  if (existsSync(`${DIST}/BUILD_ID`)) return;
  // Compile without the type check (lint and typecheck are their own CI steps), then prerender.
  const env = { ...process.env, NEXT_DIST_DIR: DIST, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" } as NodeJS.ProcessEnv;
  for (const mode of ["compile", "generate"]) execFileSync(bin("next"), ["build", "--experimental-build-mode", mode], { env, stdio: "ignore" });
}

describe("2 console instances and 3 workers on one PostgreSQL", () => {
  it("process 300 cases once each, within the rate limit, with the same queue on both instances", { timeout: 900_000 }, async () => {
    ensureBuild();
    const r = await runMultiInstance({
      server: SERVER,
      database: `scale_ci_${process.pid}`,
      cases: 300,
      consolePorts: [3309, 3319],
      workers: 3,
      workerMetricsPorts: [],
      ratePerMinute: 1200,
      sandboxLatency: "50-150",
      workerConcurrency: 4,
      intakeConcurrency: 8,
      distDir: DIST,
      timeoutMs: 300_000,
    });
    expect(checkMultiInstance(r)).toEqual([]);
    expect(r.decisions).toEqual({ cases: 300, withOne: 300, withMore: 0, withNone: 0 });
    expect(r.sandbox.status429).toBe(0);
    expect(Object.values(r.queue).map((q) => q.same)).toEqual([true, true]);
    expect(Object.values(r.queue).every((q) => q.rows > 0)).toBe(true);
    expect(r.metricsStatus).toBe(200);
    expect(r.metricsSample).toContain("console_job_lag_seconds 0");
  });
});

describe("the checks", () => {
  it("report a case assessed twice, a 429 and a queue that differs", () => {
    const ok = {
      cases: 2,
      decisions: { cases: 2, withOne: 2, withMore: 0, withNone: 0 },
      sandbox: { assessCharged: 2, riskCharged: 2, status429: 0 },
      ledger: { rateLimited: 0 },
      jobs: { pending: 0, failed: 0 },
      queue: { a: { same: true } },
    } as unknown as Parameters<typeof checkMultiInstance>[0];
    expect(checkMultiInstance(ok)).toEqual([]);
    const bad = { ...ok, decisions: { cases: 2, withOne: 1, withMore: 1, withNone: 0 }, sandbox: { assessCharged: 3, riskCharged: 2, status429: 1 }, queue: { a: { same: false } } } as unknown as typeof ok;
    expect(checkMultiInstance(bad)).toEqual([
      "1 cases have more than one AI decision",
      "the sandbox billed 3 refund assessments for 2 cases",
      "the sandbox refused 1 calls over the limit (429)",
      "the queue of a differs between the two instances",
    ]);
  });
});
