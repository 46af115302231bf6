import type { PrismaClient } from "../generated/prisma/client";

/** One case with what an agent needs beside it; another merchant's case is not found. */
export async function getCaseDetail(prisma: PrismaClient, merchantId: string, caseId: string) {
  const c = await prisma.case.findFirst({ where: { id: caseId, merchantId } });
  if (!c) return null;
  const [decision, events, holder] = await Promise.all([
    prisma.aiDecision.findFirst({ where: { merchantId, caseId }, orderBy: { createdAt: "desc" }, omit: { reasoningLogEnc: true } }),
    prisma.auditEvent.findMany({ where: { merchantId, targetType: "case", targetId: caseId }, orderBy: { id: "asc" }, take: 200 }),
    c.claimedById && c.claimExpiresAt && c.claimExpiresAt > new Date() ? prisma.user.findUnique({ where: { id: c.claimedById }, select: { id: true, name: true } }) : null,
  ]);
  const hasReasoning = decision ? (await prisma.aiDecision.count({ where: { id: decision.id, reasoningLogEnc: { not: null } } })) > 0 : false;
  const actorIds = [...new Set(events.map((e) => e.actorId).filter((x): x is string => !!x))];
  const actors = new Map((await prisma.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  return {
    case: c,
    decision,
    hasReasoning,
    // whoever holds the case, and until when (shown to the others)
    holder: holder && { ...holder, until: c.claimExpiresAt!.toISOString() },
    timeline: events.map((e) => ({ id: e.id.toString(), action: e.action, actor: e.actorId ? (actors.get(e.actorId) ?? "—") : null, at: e.createdAt, after: e.after })),
  };
}

export type CaseDetail = NonNullable<Awaited<ReturnType<typeof getCaseDetail>>>;
