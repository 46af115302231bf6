-- CreateEnum
CREATE TYPE "HighRiskAction" AS ENUM ('AUTO_REJECT', 'REVIEW');

-- CreateEnum
CREATE TYPE "AiUnavailableAction" AS ENUM ('REVIEW', 'AUTO_REJECT');

-- CreateEnum
CREATE TYPE "PolicyStatus" AS ENUM ('ACTIVE', 'PENDING', 'REJECTED');

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "claimedAt" TIMESTAMP(3),
ADD COLUMN     "handlingMs" INTEGER;

-- AlterTable
ALTER TABLE "Merchant" ADD COLUMN     "fourEyes" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "ThresholdPolicy" ADD COLUMN     "activatedAt" TIMESTAMP(3),
ADD COLUMN     "aiUnavailableAction" "AiUnavailableAction" NOT NULL DEFAULT 'REVIEW',
ADD COLUMN     "approvedById" TEXT,
ADD COLUMN     "categoryOverrides" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "highRiskAction" "HighRiskAction" NOT NULL DEFAULT 'AUTO_REJECT',
ADD COLUMN     "rollbackOf" INTEGER,
ADD COLUMN     "status" "PolicyStatus" NOT NULL DEFAULT 'ACTIVE';

-- CreateIndex
CREATE INDEX "ThresholdPolicy_merchantId_status_activatedAt_idx" ON "ThresholdPolicy"("merchantId", "status", "activatedAt");
-- existing policies were in force from creation
UPDATE "ThresholdPolicy" SET "activatedAt" = "createdAt" WHERE "activatedAt" IS NULL AND status = 'ACTIVE';
