import type { SqlRunner } from "../db/runner";

export interface RateLimiter {
  /** Resolves when one request for `appId` may be sent; rejects with the signal's reason if aborted. */
  acquire(appId: string, signal?: AbortSignal): Promise<void>;
}

export interface TokenBucketOptions {
  /** the server's limit per app id and minute (Alipay default 100) */
  perMinute: number;
  /**
   * Fraction of the limit actually used. The default 0.99 keeps a few requests of slack for
   * arrival jitter at the server; anything above ~0.97 still meets the saturation target.
   */
  utilization?: number;
  /** Tokens that may accumulate while idle. 1 spaces requests evenly, which no server window can fault. */
  burst?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Aborts with the signal's reason, so a deadline surfaces as the caller's own error. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function ratePerMs(o: TokenBucketOptions): number {
  if (!(o.perMinute > 0)) throw new RangeError("perMinute must be positive");
  const u = o.utilization ?? 0.99;
  if (!(u > 0 && u <= 1)) throw new RangeError("utilization must be in (0, 1]");
  return (o.perMinute * u) / 60_000;
}

/**
 * Both buckets reserve: each acquire takes a token even when the bucket is empty (tokens go
 * negative) and then sleeps until its reservation is covered. One update per acquire, FIFO-fair,
 * and no polling, so the limit is used fully while there is work.
 */
export function memoryRateLimiter(options: TokenBucketOptions): RateLimiter & { reset(): void } {
  const rate = ratePerMs(options);
  const burst = options.burst ?? 1;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? abortableSleep;
  const buckets = new Map<string, { tokens: number; at: number }>();

  return {
    async acquire(appId, signal) {
      if (signal?.aborted) throw signal.reason;
      const t = now();
      const b = buckets.get(appId) ?? { tokens: burst, at: t };
      b.tokens = Math.min(burst, b.tokens + Math.max(0, t - b.at) * rate) - 1;
      b.at = Math.max(b.at, t);
      buckets.set(appId, b);
      if (b.tokens >= 0) return;
      try {
        await sleep(-b.tokens / rate, signal);
      } catch (err) {
        b.tokens = Math.min(burst, b.tokens + 1); // give the unused reservation back
        throw err;
      }
    },
    reset() {
      buckets.clear();
    },
  };
}

// The DB clock is the one clock all workers share. "updatedAt" is timestamp(3), so "now" is cut to
// milliseconds before use: elapsed time is then exact and no rounding mints tokens. UTC keeps
// sessions with different TimeZone settings consistent. GREATEST guards a statement whose
// clock_timestamp() was taken before it waited for the row lock.
const ACQUIRE_SQL = `
INSERT INTO "RateBucket" AS b ("appId", "tokens", "updatedAt")
VALUES ($1, $2::float8 - 1, date_trunc('milliseconds', clock_timestamp() AT TIME ZONE 'UTC'))
ON CONFLICT ("appId") DO UPDATE SET
  "tokens" = LEAST($2::float8, b."tokens" + GREATEST(0, EXTRACT(EPOCH FROM (EXCLUDED."updatedAt" - b."updatedAt"))::float8 * 1000 * $3::float8)) - 1,
  "updatedAt" = GREATEST(b."updatedAt", EXCLUDED."updatedAt")
RETURNING "tokens"`;

const REFUND_SQL = `UPDATE "RateBucket" SET "tokens" = LEAST($2::float8, "tokens" + 1) WHERE "appId" = $1`;

/** A token bucket in the "RateBucket" table, shared by every worker and process on the database. */
export function dbRateLimiter(runner: SqlRunner, options: Omit<TokenBucketOptions, "now">): RateLimiter {
  const rate = ratePerMs(options);
  const burst = options.burst ?? 1;
  const sleep = options.sleep ?? abortableSleep;

  return {
    async acquire(appId, signal) {
      if (signal?.aborted) throw signal.reason;
      const rows = await runner.query<{ tokens: number | string }>(ACQUIRE_SQL, [appId, burst, rate]);
      const tokens = Number(rows[0]?.tokens);
      if (!Number.isFinite(tokens)) throw new Error("rate bucket returned no row");
      if (tokens >= 0) return;
      try {
        await sleep(-tokens / rate, signal);
      } catch (err) {
        await runner.query(REFUND_SQL, [appId, burst]).catch(() => undefined);
        throw err;
      }
    },
  };
}

/** For tests and tools that must not wait. */
export const unlimited: RateLimiter = { acquire: async () => {} };
