import { recordAudit } from "../audit/record";
import { decryptReasoning } from "../crypto/reasoning";
import { notFound } from "../errors";
import type { PrismaClient } from "../generated/prisma/client";

/** Decrypts a case's reasoning log for an allowed reader; every read is an audit event. */
export async function readReasoning(prisma: PrismaClient, key: Buffer, merchantId: string, caseId: string, actorId: string) {
  const d = await prisma.aiDecision.findFirst({ where: { merchantId, caseId, reasoningLogEnc: { not: null } }, orderBy: { createdAt: "desc" } });
  if (!d?.reasoningLogEnc) throw notFound("This case has no reasoning log.");
  const text = decryptReasoning(d.reasoningLogEnc, key);
  await prisma.$transaction((tx) => recordAudit(tx, { merchantId, actorId, action: "reasoning.read", targetType: "case", targetId: caseId, after: { decisionId: d.id } }));
  return text;
}
