import { describe, expect, it } from "vitest";
import { densitySeries, histogramSeries } from "./charts";

describe("what-if charts", () => {
  it("colours histogram buckets by the zone of their midpoint", () => {
    const bars = histogramSeries(
      [
        { from: 0.25, to: 0.3, count: 4 },
        { from: 0.3, to: 0.35, count: 2 },
        { from: 0.7, to: 0.75, count: 1 },
      ],
      0.3,
      0.7,
    );
    expect(bars.map((b) => b.zone)).toEqual(["approve", "grey", "reject"]);
    expect(bars[0]!.label).toBe("0.25");
  });
  it("centres density cells and weighs them on a log scale", () => {
    const pts = densitySeries([
      { risk: 1, confidence: 19, count: 1000 },
      { risk: 11, confidence: 11, count: 1 },
    ]);
    expect(pts[0]).toMatchObject({ risk: 0.025, confidence: 0.925, weight: 1 });
    expect(pts[1]).toMatchObject({ risk: 0.525, confidence: 0.525 });
    expect(pts[1]!.weight).toBeGreaterThan(0);
    expect(pts[1]!.weight).toBeLessThan(0.2);
  });
});
