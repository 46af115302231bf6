/**
 * One result format for every benchmark, so `npm run bench` can run each as a child process and
 * print one table: the bench prints its rows as a last line `BENCH_RESULT {json}`.
 */
export interface ResultRow {
  measure: string;
  p50: string;
  p95: string;
  target: string;
  /** null: a figure with no target */
  met: boolean | null;
}

export const RESULT_PREFIX = "BENCH_RESULT ";

export function printResult(bench: string, rows: ResultRow[], write: (line: string) => void = (l) => console.log(l)) {
  write(`${RESULT_PREFIX}${JSON.stringify({ bench, rows })}`);
}

/** Every result line in a bench's output (a bench may print several). */
export function parseResults(output: string): Array<{ bench: string; rows: ResultRow[] }> {
  const out: Array<{ bench: string; rows: ResultRow[] }> = [];
  for (const line of output.split("\n")) {
    if (!line.startsWith(RESULT_PREFIX)) continue;
    try {
      const parsed = JSON.parse(line.slice(RESULT_PREFIX.length)) as { bench?: unknown; rows?: unknown };
      if (typeof parsed.bench === "string" && Array.isArray(parsed.rows)) out.push(parsed as { bench: string; rows: ResultRow[] });
    } catch {
      /* not ours */
    }
  }
  return out;
}

/** A plain-text table (also valid Markdown): bench | measure | p50 | p95 | target | met. */
export function formatTable(rows: Array<{ bench: string } & ResultRow>): string {
  const head = ["bench", "measure", "p50", "p95", "target", "met"];
  const body = rows.map((r) => [r.bench, r.measure, r.p50, r.p95, r.target, r.met === null ? "" : r.met ? "met" : "NOT MET"]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}
