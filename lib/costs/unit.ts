import { batchSaving, priceTableAt } from "../alipay/pricing";
import { divRound, fenToMicro, fromMicro, toMicro } from "./decimal";
import { toUtc } from "./range";

/** Client-safe, pure. Ratios are rounded half up to the micro-yuan; null when there is nothing to divide by. */
export interface CaseCounts {
  cases: number;
  resolved: number;
  autoResolved: number;
  reviewed: number;
  handlingMs: number;
}

export interface UnitEconomics extends CaseCounts {
  apiCostCny: string;
  perCaseCny: string | null;
  perResolvedCny: string | null;
  perAutoResolvedCny: string | null;
  /** hourly rate × measured handling time */
  humanCostCny: string;
  humanPerReviewedCny: string | null;
  hourlyRateFen: number;
  batchSavedCny: string;
}

const per = (micro: bigint, n: number) => (n > 0 ? fromMicro(divRound(micro, BigInt(n))) : null);

export function unitEconomics(apiCostCny: string, c: CaseCounts, hourlyRateFen: number, batchSavedCny: string): UnitEconomics {
  const api = toMicro(apiCostCny);
  // fen/h × ms / 3,600,000 ms/h, carried in micro-yuan (× 10,000) before the one rounding
  const human = divRound(fenToMicro(hourlyRateFen) * BigInt(c.handlingMs), 3_600_000n);
  return {
    ...c,
    apiCostCny: fromMicro(api),
    perCaseCny: per(api, c.cases),
    perResolvedCny: per(api, c.resolved),
    perAutoResolvedCny: per(api, c.autoResolved),
    humanCostCny: fromMicro(human),
    humanPerReviewedCny: per(human, c.reviewed),
    hourlyRateFen,
    batchSavedCny,
  };
}

/** What the batch tier saved, day by day with the price table in force that day (history never repriced). */
export function batchSaved(batchDaily: readonly { day: string; costCny: string }[]): string {
  let saved = 0n;
  for (const d of batchDaily) saved += batchSaving(toMicro(d.costCny), priceTableAt(toUtc(d.day)));
  return fromMicro(saved);
}
