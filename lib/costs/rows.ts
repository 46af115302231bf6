import { fromMicro, toMicro } from "./decimal";

/** One row of any view: counts, and CNY sums as 6-place decimal strings summed in SQL numeric. */
export interface SpendRow {
  key: string;
  calls: number;
  failedCalls: number;
  retriedCalls: number;
  costCny: string;
  failedCostCny: string;
  retriedCostCny: string;
  feeCny: string;
}

export type SpendTotals = Omit<SpendRow, "key">;

export function totalsOf(rows: readonly SpendRow[]): SpendTotals {
  const sum = (pick: (r: SpendRow) => string) => fromMicro(rows.reduce((a, r) => a + toMicro(pick(r)), 0n));
  return {
    calls: rows.reduce((a, r) => a + r.calls, 0),
    failedCalls: rows.reduce((a, r) => a + r.failedCalls, 0),
    retriedCalls: rows.reduce((a, r) => a + r.retriedCalls, 0),
    costCny: sum((r) => r.costCny),
    failedCostCny: sum((r) => r.failedCostCny),
    retriedCostCny: sum((r) => r.retriedCostCny),
    feeCny: sum((r) => r.feeCny),
  };
}

