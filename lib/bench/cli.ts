/**
 * npm run bench [-- --quick] [-- --only client,queue]
 * Runs every benchmark as its own process (one at a time: they share the machine) and prints one
 * table: bench, measure, p50, p95, target, met. A bench reports through lib/bench/report.ts
 * (a `BENCH_RESULT {json}` line); a bench whose file does not exist is listed as missing, one
 * that ran without a result line as such, with its exit code. Nothing is invented.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { formatTable, parseResults, type ResultRow } from "./report";

interface Bench {
  name: string;
  file: string;
  full: string[];
  quick: string[];
}

export const BENCHES: Bench[] = [
  { name: "client", file: "lib/bench/client.ts", full: [], quick: ["--quick"] },
  { name: "queue", file: "lib/bench/queue.ts", full: [], quick: ["--sizes", "10000,100000", "--iterations", "50"] },
  { name: "whatif", file: "lib/bench/whatif.ts", full: [], quick: ["--iterations", "5"] },
  { name: "insights", file: "lib/bench/insights.ts", full: [], quick: [] },
  { name: "costs", file: "lib/bench/costs.ts", full: [], quick: [] },
  { name: "scale", file: "lib/scale/multi-instance.ts", full: ["--cases", "10000"], quick: ["--cases", "300", "--rate", "1200"] },
];

type Row = { bench: string } & ResultRow;

function runOne(b: Bench, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.resolve("node_modules/.bin/tsx"), [b.file, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
      process.stderr.write(d); // progress stays visible; the table goes to stdout at the end
    });
    child.stderr.on("data", (d: Buffer) => process.stderr.write(d));
    child.on("close", (code) => resolve({ code, output }));
  });
}

export function rowsFor(b: Bench, run: { code: number | null; output: string } | null): Row[] {
  if (!run) return [{ bench: b.name, measure: `missing: ${b.file} does not exist`, p50: "", p95: "", target: "", met: null }];
  const results = parseResults(run.output);
  if (results.length === 0) return [{ bench: b.name, measure: `no result line (exit ${run.code})`, p50: "", p95: "", target: "", met: null }];
  const rows = results.flatMap((r) => r.rows.map((row) => ({ bench: r.bench, ...row })));
  if (run.code !== 0) rows.push({ bench: b.name, measure: `exited with ${run.code}`, p50: "", p95: "", target: "", met: false });
  return rows;
}

async function main() {
  const quick = process.argv.includes("--quick");
  const i = process.argv.indexOf("--only");
  const only = i > 0 ? new Set(process.argv[i + 1]!.split(",")) : null;
  const unknown = only ? [...only].filter((n) => !BENCHES.some((b) => b.name === n)) : [];
  if (unknown.length) throw new Error(`unknown bench ${unknown.join(", ")}; known: ${BENCHES.map((b) => b.name).join(", ")}`);
  const rows: Row[] = [];
  for (const b of BENCHES) {
    if (only && !only.has(b.name)) continue;
    if (!existsSync(b.file)) {
      rows.push(...rowsFor(b, null));
      continue;
    }
    process.stderr.write(`\n=== ${b.name}: tsx ${b.file} ${(quick ? b.quick : b.full).join(" ")}\n`);
    rows.push(...rowsFor(b, await runOne(b, quick ? b.quick : b.full)));
  }
  console.log(`\n${formatTable(rows)}`);
  if (rows.some((r) => r.met === false)) process.exitCode = 1;
}

if (process.argv[1]?.endsWith("cli.ts")) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
