/**
 * npx tsx lib/scale/multi-instance.ts [--cases 10000] [--rate 6000] [--window-ms 60000] [--latency 50-150] [--saturate]
 * 2 console instances + 3 workers + a standalone sandbox on one PostgreSQL (BENCH_DATABASE_URL,
 * default the local server); needs a build: NEXT_DIST_DIR=.next-scale npx next build.
 * Prints the figures and exits 1 if a check fails. --saturate: the limit is meant to be below what
 * the workers could send (e.g. --rate 120), so a 429 from arrival jitter is allowed if it is retried;
 * and nothing may be lost. Without it, what the clients sent in any window must stay within the limit.
 */
import { BENCH_SERVER } from "../bench/db";
import { printResult } from "../bench/report";
import { checkMultiInstance } from "./checks";
import { runMultiInstance } from "./run";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};

async function main() {
  const cases = Number(arg("cases", "10000"));
  const saturate = process.argv.includes("--saturate");
  const r = await runMultiInstance({
    server: BENCH_SERVER,
    database: "scale_multi",
    cases,
    consolePorts: [3307, 3308],
    workers: 3,
    workerMetricsPorts: [3317, 3318, 3319],
    ratePerMinute: Number(arg("rate", "6000")),
    rateWindowMs: Number(arg("window-ms", "60000")),
    sandboxLatency: arg("latency", "50-150"),
    workerConcurrency: Number(arg("concurrency", "4")),
    intakeConcurrency: 16,
    distDir: arg("dist", ".next-scale"),
    timeoutMs: Number(arg("timeout-s", "3600")) * 1000,
    log: (line) => console.log(line),
  });
  const { metricsSample, ...figures } = r;
  console.log(JSON.stringify(figures, null, 2));
  console.log(`\nmetrics sample (console /api/metrics, then worker 1 /metrics):\n${metricsSample}\n`);
  const problems = checkMultiInstance(r, { allowRetried429: saturate });
  const w = r.sandbox.window;
  const conv = r.sandbox.conversations;
  printResult("scale", [
    { measure: `intake, ${cases} cases over 2 instances`, p50: `${r.intakePerSecond.toFixed(0)}/s`, p95: "", target: "", met: null },
    { measure: "cases processed per second (3 workers)", p50: r.casesPerSecond.toFixed(1), p95: "", target: "", met: null },
    { measure: "AI calls/s vs limit", p50: `${r.rateLimit.aiCallsPerSecond.toFixed(1)} (${(r.rateLimit.utilization * 100).toFixed(0)}% of ${r.rateLimit.perMinute}/min)`, p95: "", target: "", met: null },
    { measure: `sandbox: most calls sent in one ${w.windowMs / 1000} s window`, p50: `${w.peakAttempted} (accepted ${w.peak})`, p95: "", target: saturate ? `<= 110% of ${w.limit}` : `<= ${w.limit}`, met: w.peakAttempted <= (saturate ? Math.ceil(w.limit * 1.1) : w.limit) },
    { measure: "sandbox: refused with 429", p50: String(w.refused), p95: "", target: saturate ? "retried" : "0", met: saturate ? null : w.refused === 0 },
    { measure: "cases assessed twice (sandbox conversations)", p50: String(conv.chargedTwice + conv.casesWithSeveral), p95: "", target: "0", met: conv.chargedTwice + conv.casesWithSeveral === 0 && r.decisions.withMore === 0 },
    { measure: "cases decided without the AI", p50: String(r.decisions.aiFailed + conv.casesWithout), p95: "", target: "0", met: r.decisions.aiFailed + conv.casesWithout === 0 },
    { measure: "queue identical on both instances", p50: String(Object.values(r.queue).every((x) => x.same)), p95: "", target: "true", met: Object.values(r.queue).every((x) => x.same) },
  ]);
  if (problems.length) {
    console.error(`FAILED:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    process.exit(1);
  }
  console.log("all checks passed");
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
