import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { closeDb, connection } from "../db";
import { EnvError, loadEnv } from "../env";
import { log, setLogBase, setLogLevel } from "../observability/log";
import { renderMetrics } from "../observability/metrics";
import { bearerMatches } from "../observability/ready";
import { services } from "../runtime/services";
import { runWorker, startComplaintPolling } from "./worker";

function intArg(name: string, fallback: number | null, min: number, max: number): number | null {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return v;
}

/** Prometheus text on http://127.0.0.1:<port>/metrics: this worker's calls plus the database gauges. */
function serveMetrics(port: number, token: string | undefined) {
  const server = createServer((req, res) => {
    void (async () => {
      if (req.url !== "/metrics") return res.writeHead(404).end();
      if (token && !bearerMatches(req.headers.authorization ?? null, token)) return res.writeHead(401).end();
      try {
        const body = await renderMetrics((await connection()).runner);
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(body);
      } catch (err) {
        log.error("metrics failed", { err });
        res.writeHead(503).end();
      }
    })();
  });
  // Loopback only unless a token protects it.
  server.listen(port, token ? "0.0.0.0" : "127.0.0.1");
  return server;
}

/** `npm run worker [-- --concurrency N] [-- --metrics-port P]`: one more worker process against the PostgreSQL server. */
async function main() {
  const env = loadEnv();
  const obs = loadEnv();
  setLogLevel(obs.LOG_LEVEL);
  const workerId = `w-${randomUUID().slice(0, 8)}`;
  setLogBase({ service: "worker", workerId, pid: process.pid });
  if (env.embedded) {
    log.error("npm run worker needs DATABASE_URL: the embedded database opens in one process only, and the console already runs a worker in its own.");
    process.exit(2);
  }
  const concurrency = intArg("concurrency", 4, 1, 64)!;
  const metricsPort = intArg("metrics-port", null, 1, 65535);
  const s = await services();
  const stop = new AbortController();
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => stop.abort());
  startComplaintPolling(s, stop.signal);
  const metrics = metricsPort === null ? null : serveMetrics(metricsPort, obs.METRICS_TOKEN);
  log.info("worker started", { concurrency, metricsPort, hint: "SIGINT/SIGTERM stops after the jobs in hand" });
  await runWorker(s.deps, { signal: stop.signal, concurrency, workerId });
  metrics?.close();
  await closeDb();
  log.info("worker stopped");
}

main().catch((err) => {
  if (err instanceof EnvError || (err instanceof Error && err.message.startsWith("Invalid configuration"))) process.stderr.write(`${err.message}\n`);
  else log.error("worker failed", { err });
  process.exit(1);
});
