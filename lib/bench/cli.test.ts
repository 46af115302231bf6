import { describe, expect, it } from "vitest";
import { BENCHES, rowsFor } from "./cli";

const bench = BENCHES[0]!;

describe("npm run bench", () => {
  it("lists a bench that does not exist as missing, and one without a result line as such", () => {
    expect(rowsFor(bench, null)[0]!.measure).toBe(`missing: ${bench.file} does not exist`);
    expect(rowsFor(bench, { code: 1, output: "boom" })).toEqual([{ bench: bench.name, measure: "no result line (exit 1)", p50: "", p95: "", target: "", met: null }]);
  });

  it("takes a bench's rows, and marks a failed exit after them", () => {
    const output = `x\nBENCH_RESULT {"bench":"client","rows":[{"measure":"m","p50":"1","p95":"2","target":"t","met":true}]}\n`;
    expect(rowsFor(bench, { code: 0, output })).toEqual([{ bench: "client", measure: "m", p50: "1", p95: "2", target: "t", met: true }]);
    expect(rowsFor(bench, { code: 2, output }).at(-1)).toMatchObject({ measure: "exited with 2", met: false });
  });

  it("covers every feature's benchmark", () => {
    expect(BENCHES.map((b) => b.name)).toEqual(["client", "queue", "whatif", "insights", "costs", "scale"]);
  });
});
