import { invalid } from "../errors";
import type { PrismaClient } from "../generated/prisma/client";
import { recordAudit } from "./record";

/** Reasoning logs are kept at least this long; the audit trail itself is never purged. */
export const REASONING_RETENTION_YEARS = 3;

export function retentionCutoff(now: Date): Date {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() - REASONING_RETENTION_YEARS);
  return d;
}

export interface PurgeInput {
  merchantId: string;
  actorId: string | null;
  /** Purge reasoning logs of decisions made before this instant: it must be at least three years ago. */
  before: Date;
  now?: Date;
}

/**
 * Deletes the reasoning-log ciphertext (the decision row stays) of decisions older than `before`.
 * Refuses, changing nothing, when `before` is younger than the retention period; the purge is an
 * audit event in the same transaction.
 */
export async function purgeReasoningLogs(prisma: PrismaClient, { merchantId, actorId, before, now = new Date() }: PurgeInput): Promise<{ purged: number }> {
  if (Number.isNaN(before.getTime())) throw invalid("The purge date is not a date.");
  const cutoff = retentionCutoff(now);
  if (before > cutoff) {
    throw invalid(
      `Reasoning logs are kept at least ${REASONING_RETENTION_YEARS} years: a purge may only cover decisions made before ${cutoff.toISOString()}, not before ${before.toISOString()}.`,
    );
  }
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.aiDecision.updateMany({
      where: { merchantId, createdAt: { lt: before }, reasoningLogEnc: { not: null } },
      data: { reasoningLogEnc: null },
    });
    await recordAudit(tx, {
      merchantId,
      actorId,
      action: "reasoning.purged",
      targetType: "merchant",
      targetId: merchantId,
      after: { before: before.toISOString(), purged: count, retentionYears: REASONING_RETENTION_YEARS },
    });
    return { purged: count };
  });
}
