import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../testing/db";
import { dbRateLimiter, memoryRateLimiter, type RateLimiter } from "./rate-limit";

/** Runs `workers` loops that acquire and count until `ms` passes; returns grant times. */
async function saturate(limiter: RateLimiter, appId: string, workers: number, ms: number): Promise<number[]> {
  const start = performance.now();
  const grants: number[] = [];
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() - start < ms) {
        await limiter.acquire(appId);
        const t = performance.now() - start;
        if (t < ms) grants.push(t);
      }
    }),
  );
  return grants.sort((a, b) => a - b);
}

/** The most grants seen in any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe("memoryRateLimiter", () => {
  it("spaces requests at the configured rate with a fake clock", async () => {
    let t = 0;
    const slept: number[] = [];
    const limiter = memoryRateLimiter({
      perMinute: 600,
      utilization: 1,
      now: () => t,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    await limiter.acquire("app");
    await limiter.acquire("app");
    await limiter.acquire("app");
    expect(slept).toEqual([100, 200]); // 10/s: the 2nd waits 100 ms, the 3rd 200 ms
    t = 1000; // after a long idle only `burst` (1) token has accumulated
    await limiter.acquire("app");
    await limiter.acquire("app");
    expect(slept.slice(2)).toEqual([100]);
    await limiter.acquire("other-app"); // buckets are per app id
    expect(slept).toHaveLength(3);
  });

  it("uses the limit fully and never exceeds it with 4 concurrent workers", async () => {
    const limiter = memoryRateLimiter({ perMinute: 6000, utilization: 1 }); // 100/s
    const grants = await saturate(limiter, "app", 4, 1000);
    expect(grants.length).toBeGreaterThanOrEqual(95);
    expect(grants.length).toBeLessThanOrEqual(102);
    // 30 per 300 ms + the 1-token burst; a little slack for timers firing late on a busy machine
    expect(maxInWindow(grants, 300)).toBeLessThanOrEqual(34);
  });

  it("rejects with the signal's reason and gives the reservation back", async () => {
    const limiter = memoryRateLimiter({ perMinute: 60, utilization: 1 });
    await limiter.acquire("app");
    const reason = new Error("deadline");
    await expect(limiter.acquire("app", AbortSignal.abort(reason))).rejects.toBe(reason);
    const ac = new AbortController();
    const pending = limiter.acquire("app", ac.signal);
    ac.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});

describe("dbRateLimiter", () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => {
    await db.dispose();
  });

  it("creates the bucket row and takes one token per acquire in one statement", async () => {
    const limiter = dbRateLimiter(db.runner, { perMinute: 60, utilization: 1, burst: 5 });
    for (let i = 0; i < 5; i++) await limiter.acquire("app-burst");
    const [row] = await db.runner.query<{ tokens: number }>(`SELECT "tokens" FROM "RateBucket" WHERE "appId" = $1`, ["app-burst"]);
    expect(row!.tokens).toBeGreaterThanOrEqual(0);
    expect(row!.tokens).toBeLessThan(0.2);
  });

  it("is shared by several limiters (workers) on the same database and uses the limit fully", async () => {
    const workers = Array.from({ length: 4 }, () => dbRateLimiter(db.runner, { perMinute: 3000, utilization: 1 })); // 50/s
    const start = performance.now();
    const grants: number[] = [];
    await Promise.all(
      workers.map(async (limiter) => {
        while (performance.now() - start < 1000) {
          await limiter.acquire("app-shared");
          const t = performance.now() - start;
          if (t < 1000) grants.push(t);
        }
      }),
    );
    grants.sort((a, b) => a - b);
    expect(grants.length).toBeGreaterThanOrEqual(46);
    expect(grants.length).toBeLessThanOrEqual(52);
    // 15 per 300 ms + the 1-token burst; a little slack for timers and queries finishing late
    expect(maxInWindow(grants, 300)).toBeLessThanOrEqual(18);
  });

  it("gives an aborted reservation back", async () => {
    const limiter = dbRateLimiter(db.runner, { perMinute: 60, utilization: 1 });
    await limiter.acquire("app-abort");
    const ac = new AbortController();
    const pending = limiter.acquire("app-abort", ac.signal);
    setTimeout(() => ac.abort(new Error("stop")), 20);
    await expect(pending).rejects.toThrow("stop");
    const [row] = await db.runner.query<{ tokens: number }>(`SELECT "tokens" FROM "RateBucket" WHERE "appId" = $1`, ["app-abort"]);
    expect(row!.tokens).toBeGreaterThan(-0.1);
  });
});
