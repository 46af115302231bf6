import type { Prisma } from "../generated/prisma/client";

type Tx = Prisma.TransactionClient;

export interface AuditInput {
  merchantId: string;
  actorId: string | null;
  /** Dotted, past tense: case.created, case.approved, policy.updated, reasoning.read */
  action: string;
  targetType: string;
  targetId: string;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
}

/** Writes one audit event; call it with the transaction that makes the change. */
export async function recordAudit(tx: Tx, input: AuditInput) {
  await tx.auditEvent.create({ data: input });
}
