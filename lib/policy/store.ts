import type { Prisma, PrismaClient, ThresholdPolicy } from "../generated/prisma/client";
import { DEFAULT_THRESHOLDS, type Limits, type Thresholds } from "./route";

type Reader = PrismaClient | Prisma.TransactionClient;

export function toThresholds(p: ThresholdPolicy): Thresholds {
  return {
    version: p.version,
    autoApproveBelow: Number(p.autoApproveBelow),
    autoRejectAtOrAbove: Number(p.autoRejectAtOrAbove),
    confidenceFloor: Number(p.confidenceFloor),
    hitlLimitFen: p.hitlLimitFen,
    highRiskAction: p.highRiskAction,
    aiUnavailable: p.aiUnavailableAction,
    overrides: (p.categoryOverrides ?? {}) as Record<string, Partial<Limits>>,
  };
}

/** The threshold version in force for a merchant (defaults as version 0 when none was saved). */
export async function currentThresholds(prisma: Reader, merchantId: string): Promise<Thresholds> {
  const p = await prisma.thresholdPolicy.findFirst({ where: { merchantId, status: "ACTIVE" }, orderBy: [{ activatedAt: "desc" }, { version: "desc" }] });
  return p ? toThresholds(p) : { ...DEFAULT_THRESHOLDS, version: 0 };
}
