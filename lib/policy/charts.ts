/** Pure preparation of the what-if charts: recharts only draws what these return. */

export interface HistogramBar {
  label: string;
  from: number;
  count: number;
  zone: "approve" | "grey" | "reject";
}

export function histogramSeries(buckets: { from: number; to: number; count: number }[], approveBelow: number, rejectAt: number): HistogramBar[] {
  return buckets.map((b) => ({
    label: b.from.toFixed(2),
    from: b.from,
    count: b.count,
    // A bucket belongs to the zone its midpoint falls in.
    zone: (b.from + b.to) / 2 < approveBelow ? "approve" : (b.from + b.to) / 2 >= rejectAt ? "reject" : "grey",
  }));
}

export interface DensityPoint {
  risk: number;
  confidence: number;
  count: number;
  /** 0..1, for the dot's opacity: log-scaled so the few dense cells do not hide the rest. */
  weight: number;
}

/** Cells come as 1-based bucket numbers (width_bucket over [0, 1]); points sit at bucket centres. */
export function densitySeries(cells: { risk: number; confidence: number; count: number }[], buckets = 20): DensityPoint[] {
  const max = Math.max(1, ...cells.map((c) => c.count));
  const centre = (b: number) => Number(((b - 0.5) / buckets).toFixed(3));
  return cells.map((c) => ({
    risk: centre(c.risk),
    confidence: centre(c.confidence),
    count: c.count,
    weight: Math.log1p(c.count) / Math.log1p(max),
  }));
}
