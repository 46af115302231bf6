import { recordAudit } from "../audit/record";
import { conflict, forbidden, invalid, notFound } from "../errors";
import type { Prisma, PrismaClient, ThresholdPolicy } from "../generated/prisma/client";
import type { Thresholds } from "./route";
import { toCandidate, type PolicyValues } from "./schemas";
import { currentThresholds, toThresholds } from "./store";

type Tx = Prisma.TransactionClient;

const snapshot = (th: Thresholds) => JSON.parse(JSON.stringify(th)) as Prisma.InputJsonValue;

function rowData(th: Thresholds) {
  return {
    autoApproveBelow: th.autoApproveBelow.toFixed(3),
    autoRejectAtOrAbove: th.autoRejectAtOrAbove.toFixed(3),
    confidenceFloor: th.confidenceFloor.toFixed(3),
    hitlLimitFen: th.hitlLimitFen,
    highRiskAction: th.highRiskAction,
    aiUnavailableAction: th.aiUnavailable,
    categoryOverrides: th.overrides as Prisma.InputJsonValue,
  };
}

async function nextVersion(tx: Tx, merchantId: string) {
  const last = await tx.thresholdPolicy.findFirst({ where: { merchantId }, orderBy: { version: "desc" }, select: { version: true } });
  return (last?.version ?? 0) + 1;
}

async function create(tx: Tx, merchantId: string, actorId: string, th: Thresholds, note: string | null, rollbackOf: number | null, now: Date) {
  const merchant = await tx.merchant.findUniqueOrThrow({ where: { id: merchantId }, select: { fourEyes: true } });
  const before = await currentThresholds(tx, merchantId);
  // The version number is taken under the unique (merchantId, version): a racing save fails, not overwrites.
  const version = await nextVersion(tx, merchantId);
  const status = merchant.fourEyes ? "PENDING" : "ACTIVE";
  const row = await tx.thresholdPolicy.create({
    data: { merchantId, version, ...rowData(th), status, activatedAt: status === "ACTIVE" ? now : null, createdById: actorId, note, rollbackOf },
  });
  await recordAudit(tx, {
    merchantId,
    actorId,
    action: rollbackOf !== null ? "policy.rolled_back" : status === "ACTIVE" ? "policy.updated" : "policy.proposed",
    targetType: "policy",
    targetId: String(version),
    before: snapshot(before),
    after: { ...(snapshot({ ...th, version }) as object), status, ...(rollbackOf !== null && { rollbackOf }) },
  });
  return row;
}

/** Saves a new version; with four-eyes on it waits for a second admin. */
export async function savePolicy(prisma: PrismaClient, merchantId: string, actorId: string, values: PolicyValues, now = new Date()) {
  return prisma.$transaction((tx) => create(tx, merchantId, actorId, toCandidate(values), values.note || null, null, now));
}

/** Rolls back to an earlier version by saving its values as a new version. */
export async function rollbackPolicy(prisma: PrismaClient, merchantId: string, actorId: string, version: number, now = new Date()) {
  return prisma.$transaction(async (tx) => {
    const old = await tx.thresholdPolicy.findUnique({ where: { merchantId_version: { merchantId, version } } });
    if (!old) throw notFound(`Version ${version} does not exist.`);
    return create(tx, merchantId, actorId, toThresholds(old), `Rollback to v${version}`, version, now);
  });
}

/** The second pair of eyes: another admin approves or rejects a pending version. */
export async function reviewPolicy(prisma: PrismaClient, merchantId: string, actorId: string, version: number, approve: boolean, now = new Date()) {
  return prisma.$transaction(async (tx) => {
    const p = await tx.thresholdPolicy.findUnique({ where: { merchantId_version: { merchantId, version } } });
    if (!p) throw notFound(`Version ${version} does not exist.`);
    if (p.status !== "PENDING") throw conflict(`Version ${version} is not waiting for approval.`);
    if (p.createdById === actorId) throw forbidden("A second admin must approve a change; you proposed this one.");
    const before = await currentThresholds(tx, merchantId);
    const moved = await tx.thresholdPolicy.updateMany({
      where: { id: p.id, status: "PENDING" },
      data: approve ? { status: "ACTIVE", activatedAt: now, approvedById: actorId } : { status: "REJECTED", approvedById: actorId },
    });
    if (moved.count === 0) throw conflict(`Version ${version} was just reviewed by someone else.`);
    await recordAudit(tx, {
      merchantId,
      actorId,
      action: approve ? "policy.approved" : "policy.rejected",
      targetType: "policy",
      targetId: String(version),
      before: snapshot(before),
      after: approve ? snapshot(toThresholds(p)) : { status: "REJECTED" },
    });
  });
}

export async function setFourEyes(prisma: PrismaClient, merchantId: string, actorId: string, on: boolean) {
  await prisma.$transaction(async (tx) => {
    const m = await tx.merchant.findUniqueOrThrow({ where: { id: merchantId }, select: { fourEyes: true } });
    if (m.fourEyes === on) return;
    // Turning the rule off needs no second admin, but it is on the record like every change.
    await tx.merchant.update({ where: { id: merchantId }, data: { fourEyes: on } });
    await recordAudit(tx, { merchantId, actorId, action: "policy.four_eyes_changed", targetType: "merchant", targetId: merchantId, before: { fourEyes: m.fourEyes }, after: { fourEyes: on } });
  });
}

export interface VersionView {
  version: number;
  status: ThresholdPolicy["status"];
  inForce: boolean;
  thresholds: Thresholds;
  note: string | null;
  createdBy: string | null;
  approvedBy: string | null;
  createdAt: Date;
  activatedAt: Date | null;
  rollbackOf: number | null;
}

export async function listVersions(prisma: PrismaClient, merchantId: string): Promise<VersionView[]> {
  const rows = await prisma.thresholdPolicy.findMany({ where: { merchantId }, orderBy: { version: "desc" }, take: 100 });
  const current = await currentThresholds(prisma, merchantId);
  const ids = [...new Set(rows.flatMap((r) => [r.createdById, r.approvedById]).filter((x): x is string => !!x))];
  const names = new Map((await prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  return rows.map((r) => ({
    version: r.version,
    status: r.status,
    inForce: r.version === current.version,
    thresholds: toThresholds(r),
    note: r.note,
    createdBy: r.createdById ? (names.get(r.createdById) ?? null) : null,
    approvedBy: r.approvedById ? (names.get(r.approvedById) ?? null) : null,
    createdAt: r.createdAt,
    activatedAt: r.activatedAt,
    rollbackOf: r.rollbackOf,
  }));
}

export function assertDifferent(a: Thresholds, b: Thresholds) {
  if (JSON.stringify({ ...a, version: 0 }) === JSON.stringify({ ...b, version: 0 })) throw invalid("Nothing changed: the candidate equals the version in force.");
}
