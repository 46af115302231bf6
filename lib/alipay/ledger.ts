import type { PrismaClient } from "../generated/prisma/client";

export type LedgerOutcome =
  | "SUCCESS"
  | "BUSINESS_ERROR"
  | "RATE_LIMITED"
  | "TIMEOUT"
  | "NETWORK_ERROR"
  | "SERVER_ERROR"
  | "INVALID_SIGNATURE"
  | "MALFORMED"
  | "UNKNOWN_OUTCOME";

/** One HTTP attempt. costCny/feeCny are decimal strings with 6 places ("0.020000"). */
export interface LedgerEntry {
  merchantId: string;
  caseId: string | null;
  endpoint: string;
  requestId: string;
  traceId: string | null;
  modelVersion: string | null;
  httpStatus: number | null;
  code: string | null;
  subCode: string | null;
  latencyMs: number;
  attempt: number;
  outcome: LedgerOutcome;
  tier: "standard" | "batch";
  costCny: string;
  feeCny: string;
  priceVersion: string | null;
  /**
   * The refund (out_request_no) a transaction fee belongs to. Alipay charges a refund's fee once,
   * however many runs see it succeed (a resend answered "fund_change N", a query confirming a lost
   * answer); a second entry with the same feeRef and a fee is recorded with fee 0.
   */
  feeRef?: string | null;
}

export interface Ledger {
  record(e: LedgerEntry): Promise<void>;
}

export function memoryLedger(): Ledger & { entries: LedgerEntry[] } {
  const entries: LedgerEntry[] = [];
  return {
    entries,
    async record(e) {
      const feeTaken = e.feeRef && hasFee(e.feeCny) && entries.some((x) => x.merchantId === e.merchantId && x.feeRef === e.feeRef && hasFee(x.feeCny));
      entries.push(feeTaken ? { ...e, feeCny: "0.000000" } : { ...e });
    },
  };
}

type ApiCallWriter = Pick<PrismaClient, "apiCall">;

export function prismaLedger(prisma: ApiCallWriter): Ledger {
  return {
    async record(e) {
      const data = { ...e, latencyMs: Math.round(e.latencyMs) };
      try {
        await prisma.apiCall.create({ data });
      } catch (err) {
        // ApiCall_fee_once: this refund's fee is on the ledger already; the call itself still is.
        if (!isUniqueViolation(err) || !e.feeRef) throw err;
        await prisma.apiCall.create({ data: { ...data, feeCny: "0" } });
      }
    },
  };
}

export const nullLedger: Ledger = { record: async () => {} };

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
}

/** A decimal string above zero (fees are never negative). */
const hasFee = (cny: string) => /[1-9]/.test(cny);
