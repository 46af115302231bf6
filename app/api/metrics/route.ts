import { connection } from "@/lib/db";
import { loadEnv } from "@/lib/env";
import { log } from "@/lib/observability/log";
import { renderMetrics } from "@/lib/observability/metrics";
import { bearerMatches } from "@/lib/observability/ready";

export const dynamic = "force-dynamic";

/** Prometheus text metrics, for a scraper holding METRICS_TOKEN; without the setting the endpoint is off. */
export async function GET(req: Request) {
  const token = loadEnv().METRICS_TOKEN;
  if (!token) return new Response("metrics are off: set METRICS_TOKEN\n", { status: 404 });
  if (!bearerMatches(req.headers.get("authorization"), token)) {
    return new Response("unauthorized\n", { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } });
  }
  try {
    const body = await renderMetrics((await connection()).runner);
    return new Response(body, { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" } });
  } catch (err) {
    log.error("metrics failed", { err });
    return new Response("metrics unavailable\n", { status: 503 });
  }
}
