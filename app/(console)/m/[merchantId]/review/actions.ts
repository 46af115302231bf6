"use server";

import { z } from "zod";
import { merchantAction } from "@/lib/actions/safe-action";
import { db } from "@/lib/db";
import { loadEnv } from "@/lib/env";
import { claimNext } from "@/lib/review/queries";
import { readReasoning } from "@/lib/review/reasoning";
import { bulkInput, decisionInput, feedbackInput, queueFilters } from "@/lib/review/schemas";
import { bulkDecide, claimCase, decideCase, releaseCase, reopenDispute, retryRefund, submitFeedback } from "@/lib/review/service";
import { secrets } from "@/lib/runtime/secrets";

const caseRef = z.object({ caseId: z.string().min(1).max(64) });

const claim = merchantAction("review:decide", caseRef, async ({ caseId }, a) => claimCase(await db(), a.merchant.id, caseId, a.user.id));
const release = merchantAction("review:decide", caseRef, async ({ caseId }, a) => releaseCase(await db(), a.merchant.id, caseId, a.user.id));
const next = merchantAction("review:decide", z.object({ filters: queueFilters.default({}), leaving: z.string().max(64).optional() }), async ({ filters, leaving }, a) => {
  const prisma = await db();
  if (leaving) await releaseCase(prisma, a.merchant.id, leaving, a.user.id);
  return claimNext(prisma, a.merchant.id, a.user.id, filters);
});
const decide = merchantAction("review:decide", decisionInput, async (input, a) => decideCase(await db(), a.merchant.id, a.user.id, input));
const bulk = merchantAction("review:decide", bulkInput, async (input, a) => bulkDecide(await db(), a.merchant.id, a.user.id, input));
const feedback = merchantAction("disputes:decide", feedbackInput, async (input, a) => submitFeedback(await db(), a.merchant.id, a.user.id, input));
const retry = merchantAction("review:decide", caseRef, async ({ caseId }, a) => retryRefund(await db(), a.merchant.id, caseId, a.user.id));
const reopen = merchantAction("disputes:decide", caseRef, async ({ caseId }, a) => reopenDispute(await db(), a.merchant.id, caseId, a.user.id));
const reasoning = merchantAction("reasoning:read", caseRef, async ({ caseId }, a) =>
  readReasoning(await db(), secrets(loadEnv()).reasoningKeyring, a.merchant.id, caseId, a.user.id),
);

export async function claimCaseAction(merchantId: string, input: unknown) {
  return claim(merchantId, input);
}
export async function releaseCaseAction(merchantId: string, input: unknown) {
  return release(merchantId, input);
}
export async function nextCaseAction(merchantId: string, input: unknown) {
  return next(merchantId, input);
}
export async function decideCaseAction(merchantId: string, input: unknown) {
  return decide(merchantId, input);
}
export async function bulkDecideAction(merchantId: string, input: unknown) {
  return bulk(merchantId, input);
}
export async function submitFeedbackAction(merchantId: string, input: unknown) {
  return feedback(merchantId, input);
}
export async function retryRefundAction(merchantId: string, input: unknown) {
  return retry(merchantId, input);
}
export async function reopenDisputeAction(merchantId: string, input: unknown) {
  return reopen(merchantId, input);
}
export async function readReasoningAction(merchantId: string, input: unknown) {
  return reasoning(merchantId, input);
}
