import { recordAudit } from "../audit/record";
import { conflict, invalid, notFound } from "../errors";
import type { PrismaClient } from "../generated/prisma/client";
import type { CaseStatus } from "../generated/prisma/enums";
import { CLAIM_MS } from "./queries";
import type { bulkInput, decisionInput, feedbackInput } from "./schemas";
import type { z } from "zod";

const OPEN: CaseStatus[] = ["REVIEW", "ESCALATED"];

export type ClaimResult = { ok: true; expiresAt: Date } | { ok: false; heldBy: string; expiresAt: Date };

/** Opening a case claims it for 15 minutes (renewed while open); someone else's live claim wins. */
export async function claimCase(prisma: PrismaClient, merchantId: string, caseId: string, userId: string, now = new Date()): Promise<ClaimResult> {
  const expiresAt = new Date(now.getTime() + CLAIM_MS);
  // A renewal by the holder keeps claimedAt: handling time runs from the first claim.
  const taken = await prisma.$executeRaw`
    UPDATE "Case" SET "claimedAt" = CASE WHEN "claimedById" = ${userId} AND "claimExpiresAt" >= ${now} THEN "claimedAt" ELSE ${now} END,
                      "claimedById" = ${userId}, "claimExpiresAt" = ${expiresAt}
    WHERE id = ${caseId} AND "merchantId" = ${merchantId} AND status IN ('REVIEW', 'ESCALATED')
      AND ("claimedById" IS NULL OR "claimedById" = ${userId} OR "claimExpiresAt" < ${now})`;
  if (taken === 1) return { ok: true, expiresAt };
  const c = await prisma.case.findFirst({ where: { id: caseId, merchantId }, select: { status: true, claimedById: true, claimExpiresAt: true } });
  if (!c) throw notFound("This case does not exist for this merchant.");
  if (!OPEN.includes(c.status)) throw conflict("This case is no longer open.");
  const holder = await prisma.user.findUnique({ where: { id: c.claimedById! }, select: { name: true } });
  return { ok: false, heldBy: holder?.name ?? "another agent", expiresAt: c.claimExpiresAt! };
}

export async function releaseCase(prisma: PrismaClient, merchantId: string, caseId: string, userId: string) {
  await prisma.case.updateMany({ where: { id: caseId, merchantId, claimedById: userId }, data: { claimedById: null, claimExpiresAt: null, claimedAt: null } });
}

type Decision = z.output<typeof decisionInput>;

/**
 * Decides an open case. The version check makes the second of two racing decisions fail
 * (whoever clicked, however often); an approval queues exactly one refund job.
 */
export async function decideCase(prisma: PrismaClient, merchantId: string, userId: string, d: Decision, now = new Date()) {
  return prisma.$transaction(async (tx) => {
    const c = await tx.case.findFirst({ where: { id: d.caseId, merchantId } });
    if (!c) throw notFound("This case does not exist for this merchant.");
    if (c.version !== d.version || !OPEN.includes(c.status)) throw conflict("This case changed since you opened it (someone else may have decided it). Reload to see its state.");
    if (c.kind === "DISPUTE" && d.action !== "escalate") throw invalid("A dispute is answered with feedback to Alipay, not approved or rejected.");
    if (c.claimedById && c.claimedById !== userId && c.claimExpiresAt && c.claimExpiresAt > now) throw conflict("Another agent holds this case.");
    const refundable = c.paidAmountFen - c.refundedAmountFen;
    let amount: number | null = null;
    if (d.action === "approve") {
      if (c.requestedAmountFen > refundable) throw invalid("The request exceeds what is refundable; use a partial refund.", { amount: "exceeds refundable" });
      amount = c.requestedAmountFen;
    } else if (d.action === "partial") {
      amount = d.amount!;
      if (amount <= 0 || amount > refundable) throw invalid(`The amount must be between 0.01 and ${(refundable / 100).toFixed(2)} CNY.`, { amount: "out of range" });
    }
    const status: CaseStatus = d.action === "reject" ? "REJECTED" : d.action === "escalate" ? "ESCALATED" : "APPROVED";
    const moved = await tx.case.updateMany({
      where: { id: c.id, version: d.version },
      data: {
        status,
        version: { increment: 1 },
        decisionCode: d.reasonCode,
        decisionNote: d.note ?? null,
        claimedById: null,
        claimExpiresAt: null,
        claimedAt: null,
        handlingMs: c.claimedById === userId && c.claimedAt ? Math.max(0, now.getTime() - c.claimedAt.getTime()) : null,
        ...(d.action !== "escalate" && { decidedById: userId, decidedAt: now }),
        ...(amount !== null && { approvedAmountFen: amount }),
      },
    });
    if (moved.count === 0) throw conflict("This case changed since you opened it. Reload to see its state.");
    if (amount !== null) {
      await tx.job.upsert({
        where: { merchantId_kind_caseId: { merchantId, kind: "execute_refund", caseId: c.id } },
        create: { merchantId, kind: "execute_refund", caseId: c.id },
        update: { status: "QUEUED", runAt: now, attempts: 0, lastError: null },
      });
    }
    await recordAudit(tx, {
      merchantId,
      actorId: userId,
      action: { approve: "case.approved", partial: "case.partially_approved", reject: "case.rejected", escalate: "case.escalated" }[d.action],
      targetType: "case",
      targetId: c.id,
      before: { status: c.status, version: c.version },
      after: { status, reasonCode: d.reasonCode, ...(d.note && { note: d.note }), ...(amount !== null && { approvedAmountFen: amount }) },
    });
    return { status, amountFen: amount };
  });
}

/** Bulk approve or reject: each case is decided on its own, against the version just read. */
export async function bulkDecide(prisma: PrismaClient, merchantId: string, userId: string, input: z.output<typeof bulkInput>) {
  const cases = await prisma.case.findMany({ where: { id: { in: input.caseIds }, merchantId }, select: { id: true, version: true } });
  if (cases.length !== new Set(input.caseIds).size) throw notFound("Some selected cases do not exist for this merchant.");
  const results: { caseId: string; ok: boolean; error?: string }[] = [];
  for (const c of cases) {
    try {
      await decideCase(prisma, merchantId, userId, { caseId: c.id, version: c.version, action: input.action, reasonCode: input.reasonCode });
      results.push({ caseId: c.id, ok: true });
    } catch (err) {
      results.push({ caseId: c.id, ok: false, error: err instanceof Error ? err.message : "failed" });
    }
  }
  return results;
}

/** The agent's reply to a trade complaint, sent to Alipay by a job. */
export async function submitFeedback(prisma: PrismaClient, merchantId: string, userId: string, f: z.output<typeof feedbackInput>, now = new Date()) {
  return prisma.$transaction(async (tx) => {
    const c = await tx.case.findFirst({ where: { id: f.caseId, merchantId } });
    if (!c || c.kind !== "DISPUTE") throw notFound("This dispute does not exist for this merchant.");
    if (c.version !== f.version || !OPEN.includes(c.status)) throw conflict("This dispute changed since you opened it. Reload to see its state.");
    if (c.claimedById && c.claimedById !== userId && c.claimExpiresAt && c.claimExpiresAt > now) throw conflict("Another agent holds this dispute.");
    await tx.case.update({
      where: { id: c.id },
      data: { status: "EXECUTING", version: { increment: 1 }, feedbackCode: f.feedbackCode, feedbackContent: f.content, lastError: null, decidedById: userId, decidedAt: now, decisionCode: `FEEDBACK_${f.feedbackCode}`, claimedById: null, claimExpiresAt: null },
    });
    await tx.job.upsert({
      where: { merchantId_kind_caseId: { merchantId, kind: "submit_feedback", caseId: c.id } },
      create: { merchantId, kind: "submit_feedback", caseId: c.id },
      update: { status: "QUEUED", runAt: now, attempts: 0, lastError: null },
    });
    await recordAudit(tx, { merchantId, actorId: userId, action: "dispute.feedback_queued", targetType: "case", targetId: c.id, before: { status: c.status }, after: { feedbackCode: f.feedbackCode, content: f.content } });
  });
}

/** A failed refund, retried by an agent: the same out_request_no, so it can never pay twice. */
export async function retryRefund(prisma: PrismaClient, merchantId: string, caseId: string, userId: string) {
  return prisma.$transaction(async (tx) => {
    const moved = await tx.case.updateMany({ where: { id: caseId, merchantId, status: "FAILED", approvedAmountFen: { not: null } }, data: { status: "APPROVED", lastError: null, version: { increment: 1 } } });
    if (moved.count === 0) throw conflict("Only a failed refund can be retried.");
    await tx.job.upsert({
      where: { merchantId_kind_caseId: { merchantId, kind: "execute_refund", caseId } },
      create: { merchantId, kind: "execute_refund", caseId },
      update: { status: "QUEUED", runAt: new Date(), attempts: 0, lastError: null },
    });
    await recordAudit(tx, { merchantId, actorId: userId, action: "refund.retried", targetType: "case", targetId: caseId, before: { status: "FAILED" }, after: { status: "APPROVED" } });
  });
}

/**
 * A dispute reply that Alipay refused, or whose job gave up, reopened for an agent: back in review
 * with the reply that was sent kept as the draft, to send again as it is or corrected. It is not
 * resent blindly, as a refund is: a refusal is often about the reply itself.
 */
export async function reopenDispute(prisma: PrismaClient, merchantId: string, caseId: string, userId: string, now = new Date()) {
  return prisma.$transaction(async (tx) => {
    const c = await tx.case.findFirst({ where: { id: caseId, merchantId, kind: "DISPUTE", status: "FAILED" } });
    const moved = c
      ? await tx.case.updateMany({
          where: { id: c.id, merchantId, status: "FAILED", version: c.version },
          // lastError stays, for the agent rewriting the reply; sending it clears it.
          // held by the agent who reopened it, so the one who reads Alipay's answer writes the reply
          data: { status: "REVIEW", version: { increment: 1 }, decidedById: null, decidedAt: null, decisionCode: null, claimedById: userId, claimedAt: now, claimExpiresAt: new Date(now.getTime() + CLAIM_MS) },
        })
      : { count: 0 };
    if (!c || moved.count === 0) throw conflict("Only a failed dispute reply can be reopened.");
    await recordAudit(tx, { merchantId, actorId: userId, action: "dispute.reopened", targetType: "case", targetId: c.id, before: { status: "FAILED", lastError: c.lastError }, after: { status: "REVIEW" } });
  });
}
