import { recordAudit } from "../audit/record";
import type { Prisma } from "../generated/prisma/client";
import type { JobKind } from "../jobs/queue";

/**
 * A job that stopped retrying must not leave its case where nobody looks (NEW, APPROVED,
 * EXECUTING): an assessment goes to review, a refund or a dispute reply to FAILED with the
 * reason. A failed refund is retried by a person with the same out_request_no, so it cannot pay twice.
 */
export async function abandonCase(
  tx: Prisma.TransactionClient,
  kind: JobKind,
  merchantId: string,
  caseId: string,
  error: string,
): Promise<boolean> {
  const lastError = `Gave up after repeated failures: ${error}`.slice(0, 300);
  if (kind === "assess") {
    const moved = await tx.case.updateMany({
      where: { id: caseId, merchantId, status: { in: ["NEW", "ASSESSING"] } },
      data: {
        status: "REVIEW",
        route: "REVIEW",
        routeReasons: ["AI_UNAVAILABLE"],
        lastError,
        version: { increment: 1 },
      },
    });
    if (moved.count === 0) return false;
    await recordAudit(tx, {
      merchantId,
      actorId: null,
      action: "case.routed",
      targetType: "case",
      targetId: caseId,
      after: {
        status: "REVIEW",
        route: "REVIEW",
        reasons: ["AI_UNAVAILABLE"],
        failure: "JOB_GAVE_UP",
      },
    });
    return true;
  }
  const moved = await tx.case.updateMany({
    where: {
      id: caseId,
      merchantId,
      status: {
        in:
          kind === "execute_refund" ? ["APPROVED", "EXECUTING"] : ["EXECUTING"],
      },
    },
    data: { status: "FAILED", lastError, version: { increment: 1 } },
  });
  if (moved.count === 0) return false;
  await recordAudit(tx, {
    merchantId,
    actorId: null,
    action:
      kind === "execute_refund" ? "refund.failed" : "dispute.feedback_failed",
    targetType: "case",
    targetId: caseId,
    after: { status: "FAILED", code: "JOB_GAVE_UP" },
  });
  return true;
}
