import { connection } from "@/lib/db";
import { loadEnv } from "@/lib/env";
import { log } from "@/lib/observability/log";
import { checkReadiness } from "@/lib/observability/ready";

export const dynamic = "force-dynamic";

/** Readiness: database reachable, migrations applied, the configured Alipay gateway reachable. 503 otherwise. */
export async function GET() {
  const env = loadEnv();
  const result = await checkReadiness({
    runner: async () => (await connection()).runner,
    gatewayUrl: env.ALIPAY_GATEWAY_URL ?? null,
  });
  if (!result.ready) log.warn("not ready", { checks: result.checks });
  return Response.json({ status: result.ready ? "ready" : "not_ready", ...result.checks }, { status: result.ready ? 200 : 503, headers: { "cache-control": "no-store" } });
}
