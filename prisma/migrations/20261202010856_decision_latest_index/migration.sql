-- DropIndex
DROP INDEX "AiDecision_merchantId_caseId_idx";

-- CreateIndex
CREATE INDEX "AiDecision_merchantId_caseId_createdAt_idx" ON "AiDecision"("merchantId", "caseId", "createdAt");
