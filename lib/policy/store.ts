import type { Prisma, PrismaClient } from "../generated/prisma/client";
import { DEFAULT_THRESHOLDS, type Thresholds } from "./route";

type Reader = PrismaClient | Prisma.TransactionClient;

/** The threshold version in force for a merchant (defaults as version 0 when none was saved). */
export async function currentThresholds(prisma: Reader, merchantId: string): Promise<Thresholds> {
  const p = await prisma.thresholdPolicy.findFirst({ where: { merchantId }, orderBy: { version: "desc" } });
  if (!p) return { ...DEFAULT_THRESHOLDS, version: 0 };
  return {
    version: p.version,
    autoApproveBelow: Number(p.autoApproveBelow),
    autoRejectAtOrAbove: Number(p.autoRejectAtOrAbove),
    confidenceFloor: Number(p.confidenceFloor),
    hitlLimitFen: p.hitlLimitFen,
  };
}
