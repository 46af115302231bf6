/** Sandbox price list (PROTOCOL part B), in micro-yuan so the 30% batch discount stays exact. */

export const PRICES = {
  riskScore: 20_000,
  riskScoreCrossBorder: 50_000,
  refundAssessPerThousandChars: 30_000,
  disputeAnalyze: 50_000,
  batchDiscountPercent: 30,
} as const;

export type AiEndpoint = "risk_score" | "refund_assess" | "dispute_analyze";
export type Tier = "standard" | "batch";

export function countChars(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * refund/assess bills every started 1,000 characters (code points) of the request JSON as received
 * plus the answer JSON without `reasoning_log` (it repeats the request) and without `billing`.
 */
export function listPrice(endpoint: AiEndpoint, info: { crossBorder?: boolean; chars?: number }): number {
  switch (endpoint) {
    case "risk_score":
      return info.crossBorder ? PRICES.riskScoreCrossBorder : PRICES.riskScore;
    case "refund_assess":
      return Math.max(1, Math.ceil((info.chars ?? 0) / 1000)) * PRICES.refundAssessPerThousandChars;
    case "dispute_analyze":
      return PRICES.disputeAnalyze;
  }
}

export function tierPrice(listMicro: number, tier: Tier): number {
  return tier === "batch" ? Math.round((listMicro * (100 - PRICES.batchDiscountPercent)) / 100) : listMicro;
}
