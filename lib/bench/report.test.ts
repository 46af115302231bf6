import { describe, expect, it } from "vitest";
import { formatTable, parseResults, printResult } from "./report";

describe("bench results", () => {
  it("round-trip through the output of a bench, among its other lines", () => {
    const lines: string[] = ["some progress"];
    printResult("queue", [{ measure: "first page at 1M", p50: "4.1 ms", p95: "10.1 ms", target: "≤ 30 ms", met: true }], (l) => lines.push(l));
    lines.push("BENCH_RESULT not json", "done");
    expect(parseResults(lines.join("\n"))).toEqual([{ bench: "queue", rows: [{ measure: "first page at 1M", p50: "4.1 ms", p95: "10.1 ms", target: "≤ 30 ms", met: true }] }]);
  });

  it("print one aligned table with met, NOT MET or nothing", () => {
    const table = formatTable([
      { bench: "client", measure: "ratio", p50: "3.00×", p95: "", target: "≥ 1.5×", met: true },
      { bench: "whatif", measure: "90 days", p50: "3.7 s", p95: "6.1 s", target: "≤ 500 ms", met: false },
      { bench: "costs", measure: "missing: lib/bench/costs.ts does not exist", p50: "", p95: "", target: "", met: null },
    ]);
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^\| bench +\| measure +\| p50 +\| p95 +\| target +\| met +\|$/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[2]).toMatch(/\| met +\|$/);
    expect(lines[3]).toContain("NOT MET");
    expect(lines[4]).toMatch(/\| +\|$/);
  });
});
