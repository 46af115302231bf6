/**
 * The versioned list-price table. CNY amounts are integer micro-yuan (1e-6 CNY) in code and
 * decimal strings with 6 places ("0.020000") outwards, which is what Decimal(18,6) stores.
 */

const MICRO_PER_YUAN = 1_000_000;
const MICRO_PER_FEN = 10_000;
const DECIMAL_RE = /^(\d+)(?:\.(\d{1,6}))?$/;

export type Micro = number;

/** From this many AI calls in a calendar month, this percent off list (as the provider announces). */
export interface VolumeTier {
  fromCalls: number;
  discountPercent: number;
}

export interface PriceTable {
  version: string;
  /** First day (UTC, inclusive) this version is in force; versions are never edited, only added. */
  effectiveFrom: string;
  riskScore: Micro;
  riskScoreCrossBorder: Micro;
  /** per started 1,000 characters of request + response text (see refundAssessChars) */
  refundAssessPerThousandChars: Micro;
  disputeAnalyze: Micro;
  /** percent off list for the batch tier */
  batchDiscountPercent: number;
  /** transaction fee on the refunded amount, in basis points (60 = 0.6%) */
  refundFeeBasisPoints: number;
  /** ascending by fromCalls, the first at 0 */
  volumeTiers: readonly VolumeTier[];
}

export const PRICE_TABLES: Record<string, PriceTable> = {
  "2026-11-list": {
    version: "2026-11-list",
    effectiveFrom: "2026-11-01",
    riskScore: 20_000,
    riskScoreCrossBorder: 50_000,
    refundAssessPerThousandChars: 30_000,
    disputeAnalyze: 50_000,
    batchDiscountPercent: 30,
    refundFeeBasisPoints: 60,
    volumeTiers: [{ fromCalls: 0, discountPercent: 0 }],
  },
};

export const CURRENT_PRICE_VERSION = "2026-11-list";

/**
 * What every price table must hold. The batch discount is below 100%: what the batch tier saved
 * is derived from the billed cost (saving = cost · d / (100 − d)), and a free tier bills nothing
 * to derive it from.
 */
export function checkPriceTable(t: PriceTable): PriceTable {
  const pct = (n: number) => Number.isInteger(n) && n >= 0 && n < 100;
  if (!pct(t.batchDiscountPercent)) throw new RangeError(`price table ${t.version}: batchDiscountPercent must be an integer from 0 to 99, got ${t.batchDiscountPercent}`);
  if (!Number.isInteger(t.refundFeeBasisPoints) || t.refundFeeBasisPoints < 0) throw new RangeError(`price table ${t.version}: refundFeeBasisPoints must be a whole number of basis points, got ${t.refundFeeBasisPoints}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(t.effectiveFrom)) throw new RangeError(`price table ${t.version}: effectiveFrom must be YYYY-MM-DD, got ${t.effectiveFrom}`);
  for (const m of [t.riskScore, t.riskScoreCrossBorder, t.refundAssessPerThousandChars, t.disputeAnalyze]) {
    assertMicro(m);
    if (m < 0) throw new RangeError(`price table ${t.version}: prices must not be negative, got ${m}`);
  }
  if (t.volumeTiers[0]?.fromCalls !== 0 || t.volumeTiers.some((v, i) => !Number.isSafeInteger(v.fromCalls) || !pct(v.discountPercent) || (i > 0 && v.fromCalls <= t.volumeTiers[i - 1]!.fromCalls)))
    throw new RangeError(`price table ${t.version}: volumeTiers must ascend from 0 calls with discounts from 0 to 99%`);
  return t;
}

// A bad table fails at start, not in the middle of a dashboard.
for (const t of Object.values(PRICE_TABLES)) checkPriceTable(t);

export function priceTable(version: string = CURRENT_PRICE_VERSION): PriceTable {
  const table = PRICE_TABLES[version];
  if (!table) throw new RangeError(`unknown price table version: ${version}`);
  return table;
}

/**
 * The version in force on a day (for fallback pricing and forecasts); before the first version,
 * the first (the oldest prices known). Ledger rows keep the cost they were billed at, so adding a
 * version never changes a past total.
 */
export function priceTableAt(at: Date, tables: Record<string, PriceTable> = PRICE_TABLES): PriceTable {
  const day = at.toISOString().slice(0, 10);
  const all = Object.values(tables).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  if (all.length === 0) throw new RangeError("no price tables");
  let found = all[0]!;
  for (const t of all) if (t.effectiveFrom <= day) found = t;
  return found;
}

/** The volume discount for the n-th AI call of a month (calls before it: callsBefore). */
export function volumeDiscountPercent(callsBefore: number, table: PriceTable = priceTable()): number {
  let pct = 0;
  for (const tier of table.volumeTiers) if (callsBefore >= tier.fromCalls) pct = tier.discountPercent;
  return pct;
}

/** What the batch tier saved on a batch-billed amount: list − batch, where batch = list·(100−d)/100. Half up. */
export function batchSaving(batchMicro: bigint, table: PriceTable = priceTable()): bigint {
  const d = BigInt(checkPriceTable(table).batchDiscountPercent);
  if (d <= 0n) return 0n;
  const keep = 100n - d;
  return (batchMicro * d * 2n + keep) / (keep * 2n);
}

function assertMicro(m: Micro): void {
  if (!Number.isSafeInteger(m)) throw new RangeError(`micro-yuan must be a safe integer, got ${m}`);
}

/** "0.02" -> 20000. Strict: up to 6 decimals, no sign or exponent. */
export function parseMicro(s: string): Micro {
  const m = DECIMAL_RE.exec(s);
  if (!m) throw new RangeError(`not a CNY decimal: ${JSON.stringify(s)}`);
  const micro = Number(m[1]) * MICRO_PER_YUAN + Number((m[2] ?? "").padEnd(6, "0"));
  assertMicro(micro);
  return micro;
}

/** 20000 -> "0.020000" */
export function formatMicro(micro: Micro): string {
  assertMicro(micro);
  const sign = micro < 0 ? "-" : "";
  const abs = Math.abs(micro);
  return `${sign}${Math.floor(abs / MICRO_PER_YUAN)}.${(abs % MICRO_PER_YUAN).toString().padStart(6, "0")}`;
}

export function fenToMicro(fen: number): Micro {
  const micro = fen * MICRO_PER_FEN;
  assertMicro(micro);
  return micro;
}

/** Characters are Unicode code points, so Chinese text counts one per character. */
export function countChars(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Billed on every started thousand (1..1000 chars = 1 unit), the usual per-unit billing rule. */
export function refundAssessUnits(chars: number): number {
  return Math.max(1, Math.ceil(chars / 1000));
}

export type PricedCall =
  | { endpoint: "risk_score"; crossBorder: boolean }
  | { endpoint: "refund_assess"; chars: number }
  | { endpoint: "dispute_analyze" };

export type Tier = "standard" | "batch";

/** Batch discount rounds half up to the micro-yuan (every list price here divides exactly). */
export function applyTier(listMicro: Micro, tier: Tier, table: PriceTable = priceTable()): Micro {
  if (tier === "standard") return listMicro;
  return Math.floor((listMicro * (100 - table.batchDiscountPercent) + 50) / 100);
}

export function listPrice(call: PricedCall, table: PriceTable = priceTable()): Micro {
  switch (call.endpoint) {
    case "risk_score":
      return call.crossBorder ? table.riskScoreCrossBorder : table.riskScore;
    case "refund_assess":
      return refundAssessUnits(call.chars) * table.refundAssessPerThousandChars;
    case "dispute_analyze":
      return table.disputeAnalyze;
  }
}

export function callPrice(call: PricedCall, tier: Tier, table: PriceTable = priceTable()): Micro {
  return applyTier(listPrice(call, table), tier, table);
}

/** 0.6% of the refunded amount: fen * 10,000 micro * bp / 10,000 = fen * bp, exact. */
export function refundFee(refundedFen: number, table: PriceTable = priceTable()): Micro {
  if (!Number.isSafeInteger(refundedFen) || refundedFen < 0) throw new RangeError(`bad refund amount ${refundedFen}`);
  const micro = refundedFen * table.refundFeeBasisPoints;
  assertMicro(micro);
  return micro;
}
