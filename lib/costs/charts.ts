import { fromMicro, percent, toMicro } from "./decimal";
import type { Granularity } from "./range";
import { periodsIn, type DayRange } from "./range";
import type { SpendRow } from "./rows";
import { WORKFLOWS, type Workflow } from "./workflow";

/**
 * Client-safe, pure: series for the charts. Numbers are for drawing only; every point carries
 * the exact decimal string the tooltip shows.
 */
export type StackedPoint = { period: string; totalCny: string } & Record<Workflow, number> & Record<`${Workflow}Cny`, string>;

export function stackedSeries(cells: readonly { period: string; workflow: string; costCny: string }[], range: DayRange, g: Granularity): StackedPoint[] {
  const acc = new Map<string, Map<string, bigint>>();
  for (const c of cells) {
    const m = acc.get(c.period) ?? new Map<string, bigint>();
    m.set(c.workflow, (m.get(c.workflow) ?? 0n) + toMicro(c.costCny));
    acc.set(c.period, m);
  }
  return periodsIn(range, g).map((period) => {
    const m = acc.get(period) ?? new Map<string, bigint>();
    const point = { period } as StackedPoint;
    let total = 0n;
    for (const w of WORKFLOWS) {
      const v = m.get(w) ?? 0n;
      total += v;
      point[w] = Number(fromMicro(v));
      point[`${w}Cny`] = fromMicro(v);
    }
    point.totalCny = fromMicro(total);
    return point;
  });
}

export interface ShareSlice {
  name: string;
  value: number;
  costCny: string;
  /** percent of the total with one decimal, half up */
  pct: string;
}

/** API cost share by key, largest first; zero-cost keys are left out (a pie cannot show them). */
export function shareOf(rows: readonly SpendRow[]): ShareSlice[] {
  const total = rows.reduce((a, r) => a + toMicro(r.costCny), 0n);
  return rows
    .filter((r) => toMicro(r.costCny) > 0n)
    .sort((a, b) => (toMicro(b.costCny) > toMicro(a.costCny) ? 1 : toMicro(b.costCny) < toMicro(a.costCny) ? -1 : a.key.localeCompare(b.key)))
    .map((r) => ({ name: r.key, value: Number(r.costCny), costCny: r.costCny, pct: percent(toMicro(r.costCny), total) ?? "0.0" }));
}

export function hasSpend(rows: readonly SpendRow[]): boolean {
  return rows.some((r) => r.calls > 0);
}
