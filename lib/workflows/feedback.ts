import { BusinessError } from "../alipay/errors";
import type { FeedbackCode } from "../alipay/schemas";
import { recordAudit } from "../audit/record";
import type { StepResult, WorkflowDeps } from "./deps";

/** Sends the agent's reply to a trade complaint to Alipay. */
export async function submitDisputeFeedback({ prisma, client }: WorkflowDeps, merchantId: string, caseId: string): Promise<StepResult> {
  const c = await prisma.case.findFirst({ where: { id: caseId, merchantId } });
  if (!c || c.kind !== "DISPUTE" || c.status !== "EXECUTING" || !c.complainEventId || !c.feedbackCode || !c.feedbackContent) return "skipped";
  try {
    await client.complaintFeedback(
      { complain_event_id: c.complainEventId, feedback_code: c.feedbackCode as FeedbackCode, feedback_content: c.feedbackContent, operator: "agent" },
      { merchantId, caseId },
    );
  } catch (err) {
    if (!(err instanceof BusinessError)) throw err;
    await prisma.$transaction(async (tx) => {
      await tx.case.updateMany({ where: { id: c.id, status: "EXECUTING" }, data: { status: "FAILED", lastError: `${err.code}: ${err.message}`.slice(0, 300), version: { increment: 1 } } });
      await recordAudit(tx, { merchantId, actorId: null, action: "dispute.feedback_failed", targetType: "case", targetId: c.id, after: { code: err.code } });
    });
    return "done";
  }
  await prisma.$transaction(async (tx) => {
    const done = await tx.case.updateMany({ where: { id: c.id, status: "EXECUTING" }, data: { status: "FEEDBACK_SUBMITTED", lastError: null, version: { increment: 1 } } });
    if (done.count === 1) {
      await recordAudit(tx, { merchantId, actorId: null, action: "dispute.feedback_submitted", targetType: "case", targetId: c.id, before: { status: "EXECUTING" }, after: { status: "FEEDBACK_SUBMITTED", feedbackCode: c.feedbackCode } });
    }
  });
  return "done";
}
