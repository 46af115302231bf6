import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { binEdges, binOf, drift, ks, psi, PSI_EPSILON, psiBand, referenceGroups, regroup } from "./stats";

describe("binning", () => {
  it("puts values in 20 bins of 0.05 over [0, 1], 1 in the last, null in bin 0", () => {
    expect([0, 0.0499, 0.05, 0.3, 0.2999, 0.95, 0.9999, 1].map(binOf)).toEqual([1, 1, 2, 7, 6, 20, 20, 20]);
    expect(binOf(null)).toBe(0);
    expect(binEdges(7)).toEqual([0.3, 0.35]);
  });
});

describe("PSI", () => {
  it("is 0 for identical distributions, whatever the scale", () => {
    expect(psi([10, 20, 70], [10, 20, 70])).toBe(0);
    expect(psi([1, 2, 7], [100, 200, 700])).toBeCloseTo(0, 12);
  });

  it("matches a hand computation", () => {
    // shares e = (0.5, 0.5), a = (0.8, 0.2): (0.3)·ln(1.6) + (−0.3)·ln(0.4) = 0.141002 + 0.274887
    expect(psi([50, 50], [80, 20])).toBeCloseTo(0.3 * Math.log(1.6) - 0.3 * Math.log(0.4), 12);
    expect(psi([50, 50], [80, 20])).toBeCloseTo(0.415888, 6);
  });

  it("uses epsilon for an empty bin", () => {
    // e = (0.5, 0.5, 0), a = (0.5, 0.25, 0.25): the empty expected bin counts as 1e-4.
    const expected = (0.25 - 0.5) * Math.log(0.25 / 0.5) + (0.25 - PSI_EPSILON) * Math.log(0.25 / PSI_EPSILON);
    expect(psi([2, 2, 0], [2, 1, 1])).toBeCloseTo(expected, 12);
    expect(Number.isFinite(psi([5, 0], [0, 5])!)).toBe(true);
  });

  it("is null without observations on either side, and refuses bins that differ", () => {
    expect(psi([0, 0], [1, 2])).toBeNull();
    expect(psi([1, 2], [0, 0])).toBeNull();
    expect(() => psi([1], [1, 2])).toThrow();
  });

  it("is never negative (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(1000), fc.nat(1000)), { minLength: 1, maxLength: 20 }), (pairs) => {
        const v = psi(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
        return v === null || v >= -1e-12;
      }),
    );
  });

  it("bands at 0.1 and 0.25", () => {
    expect([0.05, 0.1, 0.2, 0.25, 1].map(psiBand)).toEqual(["stable", "moderate", "moderate", "significant", "significant"]);
  });
});

describe("KS on binned CDFs", () => {
  it("matches a hand computation and is 0 for identical shapes", () => {
    // CDFs: e = .25 .5 .75 1, a = .5 .75 .75 1 → max 0.25
    expect(ks([1, 1, 1, 1], [2, 1, 0, 1])).toBeCloseTo(0.25, 12);
    expect(ks([3, 0, 1], [6, 0, 2])).toBe(0);
    expect(ks([1, 0], [0, 1])).toBe(1);
    expect(ks([0, 0], [1, 1])).toBeNull();
  });
});

describe("reference groups", () => {
  it("freezes edges from the reference so each group holds at least 10% of it", () => {
    const ref = [30, 30, 20, 5, 5, 4, 3, 2, 1, 0];
    const g = referenceGroups(ref);
    // 30 | 30 | 20 | 5+5 | 4+3+2+1 (+ the empty tail, folded in)
    expect(g).toEqual([0, 1, 2, 3, 3, 4, 4, 4, 4, 4]);
    expect(regroup(ref, g)).toEqual([30, 30, 20, 10, 10]);
    expect(regroup([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], g)).toEqual([1, 1, 1, 2, 5]);
  });

  it("folds a small tail into the last group and keeps fine bins for an empty reference", () => {
    expect(referenceGroups([50, 45, 5])).toEqual([0, 1, 1]);
    expect(referenceGroups([0, 0, 0])).toEqual([0, 1, 2]);
  });

  it("drift is 0 for a day shaped like its reference and large for a shifted one", () => {
    const ref = [0, 100, 300, 400, 150, 50, 0, 0];
    expect(drift(ref, ref.map((c) => c / 10))).toEqual({ psi: 0, ks: 0 });
    const shifted = [0, 0, 10, 30, 40, 15, 5, 0];
    const d = drift(ref, shifted);
    expect(d.psi!).toBeGreaterThan(0.25);
    // CDFs: ref 0 .1 .4 .8 .95 1 …, day 0 0 .1 .4 .8 .95 1 … → largest gap 0.4 (after bin 4)
    expect(d.ks!).toBeCloseTo(0.4, 12);
  });
});
