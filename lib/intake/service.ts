import "server-only";
import { createHash } from "node:crypto";
import { recordAudit } from "../audit/record";
import { AppError, invalid, notFound } from "../errors";
import { Prisma, type PrismaClient } from "../generated/prisma/client";
import type { CaseStatus } from "../generated/prisma/enums";
import { translator, type Locale } from "../i18n";
import { randomBase62 } from "./api-keys";
import { fenToYuan, idempotencyKey as idempotencyKeySchema, parseRefundRequest, type RefundIntake } from "./schemas";

export interface CaseStatusView {
  id: string;
  status: CaseStatus;
  out_request_no: string;
  requested_amount: string;
  created_at: string;
}

export interface IntakeResult {
  case: CaseStatusView;
  replayed: boolean;
}

const SELECT = { id: true, status: true, outRequestNo: true, requestedAmountFen: true, createdAt: true, requestHash: true } as const;
type CaseRow = Prisma.CaseGetPayload<{ select: typeof SELECT }>;

function view(row: CaseRow): CaseStatusView {
  return {
    id: row.id,
    status: row.status,
    out_request_no: row.outRequestNo,
    requested_amount: fenToYuan(row.requestedAmountFen),
    created_at: row.createdAt.toISOString(),
  };
}

/** JSON with keys sorted at every depth and undefined dropped: equal requests hash equal. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** Hashes the validated request, so "88.5" and "88.50" or a reordered body are the same request. */
export function requestHash(intake: RefundIntake): string {
  return createHash("sha256").update(canonicalJson(intake)).digest("hex");
}

function replay(existing: CaseRow, hash: string, locale: Locale): IntakeResult {
  if (existing.requestHash !== hash) throw new AppError("conflict", translator(locale)("intake.errors.idempotencyConflict"));
  return { case: view(existing), replayed: true };
}

/**
 * Records a refund request from a merchant's system: the case, its assessment job and the audit
 * event in one transaction. The same Idempotency-Key with the same body returns the first case;
 * with a different body it is a conflict.
 */
export async function createRefundRequest(
  prisma: PrismaClient,
  merchantId: string,
  idempotencyKey: string | null | undefined,
  body: unknown,
  { locale = "en", now = () => new Date() }: { locale?: Locale; now?: () => Date } = {},
): Promise<IntakeResult> {
  const t = translator(locale);
  const keyCheck = idempotencyKeySchema.safeParse(idempotencyKey);
  if (!keyCheck.success) throw invalid(t("intake.errors.idempotencyKey"), { "Idempotency-Key": t("intake.errors.idempotencyKey") });
  const key = keyCheck.data;
  const parsed = parseRefundRequest(body, locale);
  if (!parsed.success) throw invalid(t("intake.errors.invalidRequest"), parsed.fields);
  const intake = parsed.data;
  const hash = requestHash(intake);
  const byKey = { merchantId_idempotencyKey: { merchantId, idempotencyKey: key } };

  try {
    return await prisma.$transaction(async (tx) => {
      const existing = await tx.case.findUnique({ where: byKey, select: SELECT });
      if (existing) return replay(existing, hash, locale);
      const at = now();
      const created = await tx.case.create({
        data: {
          merchantId,
          kind: "REFUND",
          status: "NEW",
          outTradeNo: intake.outTradeNo,
          tradeNo: intake.tradeNo,
          // Fixed here, once: every later attempt to execute this refund at Alipay reuses it.
          outRequestNo: `RF${randomBase62(24)}`,
          paidAmountFen: intake.paidAmountFen,
          requestedAmountFen: intake.requestedAmountFen,
          currency: intake.currency,
          reasonText: intake.reasonText,
          customerId: intake.customerId,
          deviceFingerprint: intake.deviceFingerprint,
          merchantCategory: intake.merchantCategory,
          crossBorder: intake.crossBorder,
          locale: intake.locale,
          idempotencyKey: key,
          requestHash: hash,
          createdAt: at,
        },
        select: SELECT,
      });
      await tx.job.create({ data: { merchantId, kind: "assess", caseId: created.id, status: "QUEUED", runAt: at } });
      await recordAudit(tx, {
        merchantId,
        actorId: null,
        action: "case.created",
        targetType: "case",
        targetId: created.id,
        after: { kind: "REFUND", requestedAmountFen: intake.requestedAmountFen, source: "api" },
      });
      return { case: view(created), replayed: false };
    });
  } catch (err) {
    // Two requests with one key raced: the loser's insert hit the unique index; answer as a replay.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      const existing = await prisma.case.findUnique({ where: byKey, select: SELECT });
      if (existing) return replay(existing, hash, locale);
    }
    throw err;
  }
}

/** A case's status for the merchant's own systems; another merchant's case does not exist for them. */
export async function getCaseStatus(prisma: PrismaClient, merchantId: string, caseId: string, { locale = "en" }: { locale?: Locale } = {}) {
  const row = await prisma.case.findFirst({ where: { id: caseId, merchantId }, select: SELECT });
  if (!row) throw notFound(translator(locale)("intake.errors.notFound"));
  return view(row);
}
