import { connection } from "../db";
import { seedDemo } from "../demo/seed";
import { EnvError, loadEnv } from "../env";
import { secrets } from "./secrets";

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
}
