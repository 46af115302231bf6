import { priceTableAt } from "../alipay/pricing";
import { fenToMicro, fromMicro, quotientToFen, toMicro } from "./decimal";
import { toUtc } from "./range";

/**
 * Client-safe, pure. The API cost is the exact ledger sum; every derived amount (per case, human
 * cost, batching saved) is rounded once, half up, to the fen; null when there is nothing to divide by.
 */
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

const MS_PER_HOUR = 3_600_000n;
const per = (micro: bigint, n: number) => (n > 0 ? quotientToFen(micro, BigInt(n)) : null);

export function unitEconomics(apiCostCny: string, c: CaseCounts, hourlyRateFen: number, batchSavedCny: string): UnitEconomics {
  const api = toMicro(apiCostCny);
  // fen/h × ms, in micro-yuan per hour: divided by the hours' ms (and the reviews) before the one rounding
  const humanPerHourMicro = fenToMicro(hourlyRateFen) * BigInt(c.handlingMs);
  return {
    ...c,
    apiCostCny: fromMicro(api),
    perCaseCny: per(api, c.cases),
    perResolvedCny: per(api, c.resolved),
    perAutoResolvedCny: per(api, c.autoResolved),
    humanCostCny: quotientToFen(humanPerHourMicro, MS_PER_HOUR),
    humanPerReviewedCny: c.reviewed > 0 ? quotientToFen(humanPerHourMicro, MS_PER_HOUR * BigInt(c.reviewed)) : null,
    hourlyRateFen,
    batchSavedCny,
  };
}

/**
 * What the batch tier saved, day by day with the price table in force that day (history never
 * repriced): list − batch = cost × d / (100 − d) for a discount of d percent, as batchSaving() in
 * lib/alipay/pricing, summed exactly as a fraction and rounded once to the fen.
 */
export function batchSaved(batchDaily: readonly { day: string; costCny: string }[]): string {
  const byDiscount = new Map<bigint, bigint>();
  for (const d of batchDaily) {
    const pct = BigInt(priceTableAt(toUtc(d.day)).batchDiscountPercent); // below 100: checked at load (checkPriceTable)
    if (pct > 0n) byDiscount.set(pct, (byDiscount.get(pct) ?? 0n) + toMicro(d.costCny));
  }
  let num = 0n;
  let den = 1n;
  for (const [pct, cost] of byDiscount) {
    // num/den + cost·pct/(100 − pct), over the product of the (few) distinct denominators
    num = num * (100n - pct) + cost * pct * den;
    den *= 100n - pct;
  }
  return quotientToFen(num, den);
}
