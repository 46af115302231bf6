import { BusinessError } from "../alipay/errors";
import { recordAudit } from "../audit/record";
import type { StepResult, WorkflowDeps } from "./deps";

/**
 * Sends an approved refund. The out_request_no was fixed when the case was created, so every
 * attempt (this job retried, an agent's retry) is the same refund at Alipay; the client queries
 * an unknown outcome before it resends, and fund_change "N" on a repeat counts as done.
 */
export async function executeRefund({ prisma, client }: WorkflowDeps, merchantId: string, caseId: string): Promise<StepResult> {
  const c = await prisma.case.findFirst({ where: { id: caseId, merchantId } });
  if (!c || (c.status !== "APPROVED" && c.status !== "EXECUTING") || !c.approvedAmountFen) return "skipped";
  if (c.status === "APPROVED") {
    const moved = await prisma.case.updateMany({ where: { id: c.id, status: "APPROVED" }, data: { status: "EXECUTING", version: { increment: 1 } } });
    if (moved.count === 0) return "skipped";
  }
  try {
    const { data } = await client.refund(
      { out_trade_no: c.outTradeNo, refund_amount: c.approvedAmountFen, out_request_no: c.outRequestNo, refund_reason: c.decisionCode ?? "APPROVED" },
      { merchantId, caseId },
    );
    await prisma.$transaction(async (tx) => {
      const done = await tx.case.updateMany({
        where: { id: c.id, status: "EXECUTING" },
        data: { status: "REFUNDED", refundedAmountFen: { increment: c.approvedAmountFen! }, lastError: null, version: { increment: 1 } },
      });
      if (done.count === 0) return;
      await recordAudit(tx, {
        merchantId,
        actorId: null,
        action: "refund.executed",
        targetType: "case",
        targetId: c.id,
        before: { status: "EXECUTING" },
        after: { status: "REFUNDED", amountFen: c.approvedAmountFen!, fundChange: data.fund_change, confirmedBy: data.confirmedBy, outRequestNo: c.outRequestNo },
      });
    });
    return "done";
  } catch (err) {
    if (!(err instanceof BusinessError)) throw err; // unknown outcome, rate limit, outage: the job retries the same refund
    await prisma.$transaction(async (tx) => {
      await tx.case.updateMany({
        where: { id: c.id, status: "EXECUTING" },
        data: { status: "FAILED", lastError: `${err.code}${err.subCode ? `/${err.subCode}` : ""}: ${err.message}`.slice(0, 300), version: { increment: 1 } },
      });
      await recordAudit(tx, { merchantId, actorId: null, action: "refund.failed", targetType: "case", targetId: c.id, before: { status: "EXECUTING" }, after: { status: "FAILED", code: err.code } });
    });
    return "done";
  }
}
