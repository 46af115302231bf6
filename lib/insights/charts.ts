import { BINS, binEdges } from "./stats";
import type { InsightsView, Marker } from "./series";

/** Pure preparation for the insights charts: recharts only draws what these return. */

/** Where a threshold sits on the binned (category) axis: the edge of the bin nearest to it. */
export function thresholdMark(value: number): { x: string; position: "start" | "end" } {
  const edge = Math.min(BINS, Math.max(0, Math.round(value * BINS)));
  return edge === BINS ? { x: binEdges(BINS)[0].toFixed(2), position: "end" } : { x: binEdges(edge + 1)[0].toFixed(2), position: "start" };
}

export interface DriftRow {
  day: string;
  score: number | null;
  confidence: number | null;
  mix: number | null;
}

/** PSI or KS per day for the three series; a day without enough decisions is a gap (null). */
export function driftRows(view: InsightsView, stat: "psi" | "ks"): DriftRow[] {
  const round = (v: number | null) => (v === null ? null : Number(v.toFixed(4)));
  return view.drift.map((d) => ({ day: d.day, score: round(d.score[stat]), confidence: round(d.confidence[stat]), mix: round(d.mix[stat]) }));
}

/** The y-axis top for PSI: at least 0.5 so the 0.1 / 0.25 bands stay visible, else the largest value rounded up. */
export function psiAxisTop(rows: DriftRow[]): number {
  const max = Math.max(0, ...rows.flatMap((r) => [r.score, r.confidence, r.mix].filter((v): v is number => v !== null)));
  return Math.max(0.5, Math.ceil(max * 4) / 4);
}

/** One marker per day and kind: several threshold versions on one day show as one line. */
export function markerLines(markers: Marker[]): Marker[] {
  const seen = new Map<string, Marker>();
  for (const m of markers) {
    const key = `${m.day}/${m.kind}`;
    const prev = seen.get(key);
    seen.set(key, prev ? { ...prev, label: `${prev.label}, ${m.label}` } : m);
  }
  return [...seen.values()];
}

/** Share as a percentage string with one decimal, or a dash. */
export function percent(share: number | null | undefined): string {
  return share === null || share === undefined ? "—" : `${(share * 100).toFixed(1)}%`;
}
