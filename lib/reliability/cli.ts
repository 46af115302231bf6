import { parseArgs } from "node:util";
import { freshServerDb, removeLogs, runCrashScenario } from "./crash";
import { FAULT_MODES, runFaultMode } from "./fault-matrix";
import { runLoad } from "./load";
import { problemCount, summarize, type Accounting } from "./scenario";

const problemsOf = (a: Accounting) => ({ lost: a.lost.slice(0, 5), doubleRefunds: a.doubleRefunds.slice(0, 5), moneyMismatches: a.moneyMismatches.slice(0, 5), unverifiedActions: a.unverifiedActions.slice(0, 5), duplicates: a.duplicates.slice(0, 5), doubleBilling: a.doubleBilling.slice(0, 5) });

const USAGE = `npm run reliability -- [--only faults,crash,load] [--cases-per-mode 1000] [--crash-cases 5000] [--kills 8] [--seconds 60] [--connections 16]

The long versions of the reliability tests, on the PostgreSQL server (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/postgres). The load test needs a production build first:
  NEXT_DIST_DIR=.next-reliability npm run build && git checkout tsconfig.json`;

async function main() {
  const { values } = parseArgs({
    options: {
      only: { type: "string", default: "faults,crash,load" },
      "cases-per-mode": { type: "string", default: "1000" },
      "crash-cases": { type: "string", default: "5000" },
      kills: { type: "string", default: "8" },
      seconds: { type: "string", default: "60" },
      connections: { type: "string", default: "16" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return console.log(USAGE);
  const int = (name: keyof typeof values) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  const only = new Set(values.only!.split(","));
  let problems = 0;

  if (only.has("faults")) {
    const n = int("cases-per-mode");
    console.log(
      `\n## Fault matrix: ${FAULT_MODES.length} modes × ${n} cases, each fault firing on 35% of gateway calls`,
    );
    const db = await freshServerDb("rel_faults");
    try {
      for (const mode of FAULT_MODES) {
        const r = await runFaultMode(db, mode, n, { concurrency: 8 });
        problems += problemCount(r.accounting);
        console.log(
          `${r.mode}: ${r.faultsFired} faults fired, ${r.seconds.toFixed(1)} s\n  ${summarize(r.accounting)}`,
        );
        if (problemCount(r.accounting) > 0) console.log(`  problems: ${JSON.stringify(problemsOf(r.accounting))}`);
      }
    } finally {
      await db.drop();
    }
  }

  if (only.has("crash")) {
    const cases = int("crash-cases");
    const kills = int("kills");
    console.log(
      `\n## Crash: ${cases} cases, the worker process SIGKILLed ${kills} times at random moments and restarted`,
    );
    const r = await runCrashScenario({
      cases,
      kills,
      timeoutMs: 60 * 60_000,
      log: (l) => console.log(`  ${l}`),
    });
    problems += problemCount(r.accounting);
    console.log(`${r.seconds.toFixed(1)} s\n  ${summarize(r.accounting)}`);
    if (problemCount(r.accounting) === 0) removeLogs(r);
    else
      console.log(
        `  problems: ${JSON.stringify({ lost: r.accounting.lost.slice(0, 5), doubleRefunds: r.accounting.doubleRefunds.slice(0, 5), duplicates: r.accounting.duplicates.slice(0, 5), doubleBilling: r.accounting.doubleBilling.slice(0, 5) })}; logs in ${r.logDir}`,
      );
  }

  if (only.has("load")) {
    const seconds = int("seconds");
    console.log(
      `\n## Load: autocannon from a second process on loopback, ${seconds} s per endpoint, against next start on PostgreSQL`,
    );
    const results = await runLoad({ seconds, connections: int("connections") });
    for (const f of results) {
      console.log(
        `${f.name}: ${f.requests} requests in ${f.seconds} s, ${f.rate.mean.toFixed(1)} req/s (slowest second ${f.rate.min}, fastest ${f.rate.max}), ` +
          `p50 ${f.latencyMs.p50} ms, p90 ${f.latencyMs.p90} ms, p99 ${f.latencyMs.p99} ms, max ${f.latencyMs.max} ms, error rate ${(f.errorRate * 100).toFixed(2)}% ${JSON.stringify(f.statuses)}`,
      );
    }
  }

  console.log(
    problems === 0
      ? "\nNo case lost, refunded twice, acted on unverified, or billed twice."
      : `\n${problems} PROBLEMS: see above.`,
  );
  if (problems > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
