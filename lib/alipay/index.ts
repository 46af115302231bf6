export {
  createAlipayClient,
  ENDPOINTS,
  type AlipayClient,
  type AlipayClientConfig,
  type AlipayResult,
  type CallContext,
  type FetchLike,
  type RefundOutcome,
} from "./client";
export * from "./errors";
export { memoryLedger, nullLedger, prismaLedger, type Ledger, type LedgerEntry, type LedgerOutcome } from "./ledger";
export { fenToYuan, yuanToFen, isYuan } from "./money";
export {
  CURRENT_PRICE_VERSION,
  PRICE_TABLES,
  callPrice,
  formatMicro,
  listPrice,
  parseMicro,
  priceTable,
  refundFee,
  type PriceTable,
  type Tier,
} from "./pricing";
export { dbRateLimiter, memoryRateLimiter, unlimited, type RateLimiter, type TokenBucketOptions } from "./rate-limit";
export * from "./schemas";
export { loadPem, generateRsaKeyPair } from "./keys";
