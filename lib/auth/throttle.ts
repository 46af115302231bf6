import { createHash } from "node:crypto";
import type { SqlRunner } from "../db/runner";

export interface Bucket {
  /** attempts allowed at once */
  burst: number;
  /** attempts regained per minute */
  perMinute: number;
}

/**
 * Sign-in attempts per client address and per email, on top of the per-account lock-out: the
 * address bucket slows password spraying across many accounts, the email bucket slows guessing
 * at one account (also unknown ones, which have no lock-out row).
 */
export const SIGN_IN_LIMITS = {
  ip: { burst: 20, perMinute: 10 },
  email: { burst: 10, perMinute: 5 },
} as const satisfies Record<string, Bucket>;

// A bucket row in "RateBucket" (the table the Alipay rate limit uses, under its own key prefix), so
// every web instance shares it. A refused attempt still costs (floored at -1): hammering keeps the
// door shut until the caller pauses for one refill interval.
const TAKE_SQL = `
WITH now AS (SELECT date_trunc('milliseconds', clock_timestamp() AT TIME ZONE 'UTC') AS at)
INSERT INTO "RateBucket" AS b ("appId", "tokens", "updatedAt")
SELECT $1, $2::float8 - 1, at FROM now
ON CONFLICT ("appId") DO UPDATE SET
  "tokens" = GREATEST(-1, LEAST($2::float8, b."tokens" + GREATEST(0, EXTRACT(EPOCH FROM (EXCLUDED."updatedAt" - b."updatedAt"))::float8 * 1000 * $3::float8)) - 1),
  "updatedAt" = GREATEST(b."updatedAt", EXCLUDED."updatedAt")
RETURNING "tokens"`;

/** Takes one attempt from the bucket `key`; false when it is empty. */
export async function takeAttempt(runner: SqlRunner, key: string, bucket: Bucket): Promise<boolean> {
  const rows = await runner.query<{ tokens: number | string }>(TAKE_SQL, [key, bucket.burst, bucket.perMinute / 60_000]);
  return Number(rows[0]?.tokens) >= 0;
}

/** The client's address: the last hop of X-Forwarded-For, which the nearest proxy (or Next itself) appended. */
export function clientAddress(headers: Record<string, string | string[] | undefined> | undefined): string {
  const raw = headers?.["x-forwarded-for"] ?? headers?.["x-real-ip"];
  const value = Array.isArray(raw) ? raw.join(",") : (raw ?? "");
  const hops = value.split(",").map((h) => h.trim()).filter(Boolean);
  return (hops.at(-1) ?? "unknown").slice(0, 64);
}

const digest = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 32);

/** Both buckets are charged, so a refused address cannot save its email's budget (and the reverse). */
export async function allowSignIn(runner: SqlRunner, address: string, email: string, limits: Record<keyof typeof SIGN_IN_LIMITS, Bucket> = SIGN_IN_LIMITS): Promise<boolean> {
  const [byAddress, byEmail] = await Promise.all([
    takeAttempt(runner, `signin:ip:${digest(address)}`, limits.ip),
    takeAttempt(runner, `signin:email:${digest(email.trim().toLowerCase())}`, limits.email),
  ]);
  return byAddress && byEmail;
}
