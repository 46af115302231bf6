import { recordAudit } from "../audit/record";
import { decryptReasoning, sealedKeyId, type ReasoningKey } from "../crypto/reasoning";
import { notFound } from "../errors";
import type { PrismaClient } from "../generated/prisma/client";

/**
 * Decrypts a case's reasoning log for an allowed reader (the caller checked reasoning:read); the
 * read is an audit event, committed before the text is returned: no audit, no text.
 */
export async function readReasoning(prisma: PrismaClient, key: ReasoningKey, merchantId: string, caseId: string, actorId: string) {
  const d = await prisma.aiDecision.findFirst({ where: { merchantId, caseId, reasoningLogEnc: { not: null } }, orderBy: { createdAt: "desc" } });
  if (!d?.reasoningLogEnc) throw notFound("This case has no reasoning log.");
  const text = decryptReasoning(d.reasoningLogEnc, key);
  await prisma.$transaction((tx) =>
    recordAudit(tx, { merchantId, actorId, action: "reasoning.read", targetType: "case", targetId: caseId, after: { decisionId: d.id, keyId: sealedKeyId(d.reasoningLogEnc!) } }),
  );
  return text;
}
