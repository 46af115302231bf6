import { timingSafeEqual, createHash } from "node:crypto";
import { pendingMigrations, readMigrations, type Migration } from "../db/migrations";
import type { SqlRunner } from "../db/runner";

export type CheckResult = "ok" | "not_configured" | string;

export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; migrations: CheckResult; gateway: CheckResult };
}

/**
 * Ready = the database answers, every committed migration is applied, and the configured Alipay
 * gateway answers HTTP at all (any status: reachability, not health of the remote).
 */
export async function checkReadiness({
  runner,
  gatewayUrl,
  migrations = readMigrations(),
  fetchImpl = fetch,
  timeoutMs = 2_000,
}: {
  runner: () => Promise<SqlRunner>;
  gatewayUrl?: string | null;
  migrations?: Migration[];
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
}): Promise<Readiness> {
  const checks: Readiness["checks"] = { database: "unchecked", migrations: "unchecked", gateway: "not_configured" };
  const gateway = gatewayUrl
    ? fetchImpl(gatewayUrl, { method: "GET", signal: AbortSignal.timeout(timeoutMs) }).then(
        (r) => {
          void r.body?.cancel();
          return "ok";
        },
        (err: unknown) => `unreachable: ${err instanceof Error ? err.message : String(err)}`,
      )
    : Promise.resolve("not_configured");
  try {
    const r = await runner();
    await r.query("SELECT 1");
    checks.database = "ok";
    const pending = await pendingMigrations(r, migrations);
    checks.migrations = pending.length === 0 ? "ok" : `pending: ${pending.join(", ")}`;
  } catch (err) {
    checks.database = `unavailable: ${err instanceof Error ? err.message : String(err)}`;
  }
  checks.gateway = await gateway;
  return { ready: Object.values(checks).every((c) => c === "ok" || c === "not_configured"), checks };
}

/** Constant-time comparison of an `Authorization: Bearer …` header with the configured token. */
export function bearerMatches(header: string | null, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) return false;
  const a = createHash("sha256").update(m[1]!).digest();
  const b = createHash("sha256").update(token).digest();
  return timingSafeEqual(a, b);
}
