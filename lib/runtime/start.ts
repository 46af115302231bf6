import { connection } from "../db";
import { seedDemo } from "../demo/seed";
import { EnvError, loadEnv } from "../env";
import { startTrickle } from "../demo/trickle";
import { runWorker, startComplaintPolling } from "../jobs/worker";
import { log, setLogBase, setLogLevel } from "../observability/log";
import { secrets } from "./secrets";
import { registerOpenTrades, services } from "./services";

const holder = globalThis as typeof globalThis & { __consoleRuntime?: Promise<void> };

/**
 * Start-up for the web process: validate config (stop with a message naming the bad setting),
 * and for the embedded database apply migrations and seed the demo on first run.
 */
export function startRuntime(): Promise<void> {
  holder.__consoleRuntime ??= boot();
  return holder.__consoleRuntime;
}

async function boot() {
  let env;
  try {
    env = loadEnv();
    secrets(env);
    setLogLevel(loadEnv().LOG_LEVEL);
    setLogBase({ service: "console", pid: process.pid });
  } catch (err) {
    if (err instanceof EnvError || (err instanceof Error && err.message.startsWith("Invalid configuration"))) {
      // Plain text on purpose: a person reads this at the terminal before anything else runs.
      process.stderr.write(`\n${err.message}\nFix the settings above and start again.\n\n`);
      process.exit(1);
    }
    throw err;
  }
  const conn = await connection();
  if (env.embedded) {
    const started = Date.now();
    const summary = await seedDemo(conn.prisma, { reasoningKey: secrets(env).reasoningKeyring });
    if (summary) log.info("demo seeded", { cases: summary.cases, dataDir: env.dataDir, ms: Date.now() - started });
  }
  // PGlite is single-process, so with the embedded database the worker must live here.
  if (env.EMBEDDED_WORKER ?? env.embedded) {
    const s = await services();
    if (s.sandbox) {
      const trades = await registerOpenTrades(s);
      log.info("sandbox started", { url: s.sandbox.url, openTrades: trades });
    }
    const stop = new AbortController();
    process.once("SIGTERM", () => stop.abort());
    void runWorker(s.deps, { signal: stop.signal });
    startComplaintPolling(s, stop.signal);
    log.info("worker running in this process");
    if (env.DEMO_TRICKLE ?? (env.embedded && env.NODE_ENV !== "test")) {
      startTrickle(s, { signal: stop.signal });
      log.info("demo trickle on: a new refund request or complaint every 20 s (DEMO_TRICKLE=off stops it)");
    }
  }
}
