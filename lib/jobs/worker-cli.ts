import { closeDb } from "../db";
import { EnvError, loadEnv } from "../env";
import { services } from "../runtime/services";
import { runWorker, startComplaintPolling } from "./worker";

/** `npm run worker [-- --concurrency N]`: one more worker process against the PostgreSQL server. */
async function main() {
  const env = loadEnv();
  if (env.embedded) {
    console.error("npm run worker needs DATABASE_URL: the embedded database opens in one process only, and the console already runs a worker in its own.");
    process.exit(2);
  }
  const i = process.argv.indexOf("--concurrency");
  const concurrency = i > 0 ? Number(process.argv[i + 1]) : 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    console.error("--concurrency must be an integer from 1 to 64");
    process.exit(2);
  }
  const s = await services();
  const stop = new AbortController();
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => stop.abort());
  startComplaintPolling(s, stop.signal);
  console.log(`[worker] started with concurrency ${concurrency}; Ctrl-C stops after the jobs in hand`);
  await runWorker(s.deps, { signal: stop.signal, concurrency });
  await closeDb();
}

main().catch((err) => {
  console.error(err instanceof EnvError ? err.message : err instanceof Error ? err.message : err);
  process.exit(1);
});
