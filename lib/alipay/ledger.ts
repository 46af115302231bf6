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
}

export interface Ledger {
  record(e: LedgerEntry): Promise<void>;
}

export function memoryLedger(): Ledger & { entries: LedgerEntry[] } {
  const entries: LedgerEntry[] = [];
  return {
    entries,
    async record(e) {
      entries.push({ ...e });
    },
  };
}

type ApiCallWriter = Pick<PrismaClient, "apiCall">;

export function prismaLedger(prisma: ApiCallWriter): Ledger {
  return {
    async record(e) {
      await prisma.apiCall.create({ data: { ...e, latencyMs: Math.round(e.latencyMs) } });
    },
  };
}

export const nullLedger: Ledger = { record: async () => {} };
