/**
 * Pure statistics over binned counts: PSI and KS are computed from the rollups' 20 fixed bins,
 * never from raw scores, so the page never reads a decision row.
 */

export const BINS = 20;
/** Stands in for an empty bin's share so PSI stays finite (ln 0). */
export const PSI_EPSILON = 1e-4;
/** Conventional PSI bands: below 0.1 stable, 0.1–0.25 moderate shift, above 0.25 significant shift. */
export const PSI_MODERATE = 0.1;
export const PSI_SIGNIFICANT = 0.25;
/** Reference groups hold at least this share of the reference each (about deciles). */
export const GROUP_SHARE = 0.1;

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** The bin (1..20) of a value in [0, 1]; exactly 1 falls in the last bin; null (no score) is bin 0. Mirrors insights_bin in SQL. */
export function binOf(value: number | null): number {
  if (value === null) return 0;
  return Math.min(BINS, Math.max(1, Math.floor(value * BINS + 1e-9) + 1));
}

/** Bin b's left and right edges. */
export function binEdges(b: number): [number, number] {
  return [Number(((b - 1) / BINS).toFixed(2)), Number((b / BINS).toFixed(2))];
}

/**
 * Population stability index of `actual` against `expected`, both counts over the same bins.
 * Shares of empty bins are replaced by epsilon. Null when either side has no observations.
 */
export function psi(expected: readonly number[], actual: readonly number[], epsilon = PSI_EPSILON): number | null {
  if (expected.length !== actual.length) throw new Error("psi: bins differ");
  const e = sum(expected);
  const a = sum(actual);
  if (e === 0 || a === 0) return null;
  let total = 0;
  for (let i = 0; i < expected.length; i++) {
    const pe = Math.max(expected[i]! / e, epsilon);
    const pa = Math.max(actual[i]! / a, epsilon);
    total += (pa - pe) * Math.log(pa / pe);
  }
  return total;
}

/** Two-sample Kolmogorov–Smirnov statistic on the binned CDFs: max |F_actual − F_expected| at bin edges. */
export function ks(expected: readonly number[], actual: readonly number[]): number | null {
  if (expected.length !== actual.length) throw new Error("ks: bins differ");
  const e = sum(expected);
  const a = sum(actual);
  if (e === 0 || a === 0) return null;
  let ce = 0;
  let ca = 0;
  let max = 0;
  for (let i = 0; i < expected.length; i++) {
    ce += expected[i]!;
    ca += actual[i]!;
    max = Math.max(max, Math.abs(ca / a - ce / e));
  }
  return max;
}

/**
 * Bin edges frozen from the reference: adjacent fine bins are merged until each group holds at
 * least `share` of the reference (a small remainder joins the last group). Returns, per fine bin,
 * its group index. An empty reference keeps the fine bins.
 */
export function referenceGroups(reference: readonly number[], share = GROUP_SHARE): number[] {
  const total = sum(reference);
  if (total === 0) return reference.map((_, i) => i);
  const groupOf: number[] = [];
  let group = 0;
  let acc = 0;
  for (let i = 0; i < reference.length; i++) {
    groupOf.push(group);
    acc += reference[i]!;
    if (acc >= share * total && i < reference.length - 1) {
      group++;
      acc = 0;
    }
  }
  // The tail after the last full group is small: fold it into the previous group.
  if (acc < share * total && group > 0) for (let i = 0; i < groupOf.length; i++) if (groupOf[i] === group) groupOf[i] = group - 1;
  return groupOf;
}

/** Sums fine-bin counts into the groups of referenceGroups. */
export function regroup(counts: readonly number[], groupOf: readonly number[]): number[] {
  const out = new Array<number>(Math.max(-1, ...groupOf) + 1).fill(0);
  counts.forEach((c, i) => (out[groupOf[i]!]! += c));
  return out;
}

/** PSI on reference-frozen groups and KS on the fine bins, of one day (or window) against a reference. */
export function drift(reference: readonly number[], actual: readonly number[]): { psi: number | null; ks: number | null } {
  const groups = referenceGroups(reference);
  return { psi: psi(regroup(reference, groups), regroup(actual, groups)), ks: ks(reference, actual) };
}

export type PsiBand = "stable" | "moderate" | "significant";
export function psiBand(value: number): PsiBand {
  return value >= PSI_SIGNIFICANT ? "significant" : value >= PSI_MODERATE ? "moderate" : "stable";
}
