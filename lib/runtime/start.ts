import { connection } from "../db";
import { seedDemo } from "../demo/seed";
import { EnvError, loadEnv } from "../env";
import { startTrickle } from "../demo/trickle";
import { runWorker, startComplaintPolling } from "../jobs/worker";
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
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(`\n${err.message}\nFix the settings above and start again.\n`);
      process.exit(1);
    }
    throw err;
  }
  const conn = await connection();
  if (env.embedded) {
    const started = Date.now();
    const summary = await seedDemo(conn.prisma, { reasoningKey: secrets(env).reasoningKey });
    if (summary) console.log(`[demo] seeded ${summary.cases} cases into ${env.dataDir} in ${Date.now() - started} ms`);
  }
  // PGlite is single-process, so with the embedded database the worker must live here.
  if (env.EMBEDDED_WORKER ?? env.embedded) {
    const s = await services();
    if (s.sandbox) {
      const trades = await registerOpenTrades(s);
      console.log(`[sandbox] Alipay sandbox on ${s.sandbox.url} (${trades} open trades registered)`);
    }
    const stop = new AbortController();
    process.once("SIGTERM", () => stop.abort());
    void runWorker(s.deps, { signal: stop.signal });
    startComplaintPolling(s, stop.signal);
    console.log("[worker] running in this process");
    if (env.DEMO_TRICKLE ?? (env.embedded && env.NODE_ENV !== "test")) {
      startTrickle(s, { signal: stop.signal });
      console.log("[demo] new refund requests and complaints arrive every 20 s (DEMO_TRICKLE=off stops them)");
    }
  }
}
