-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('AGENT', 'ADMIN', 'FINANCE', 'AUDITOR');

-- CreateEnum
CREATE TYPE "CaseKind" AS ENUM ('REFUND', 'DISPUTE');

-- CreateEnum
CREATE TYPE "CaseStatus" AS ENUM ('NEW', 'ASSESSING', 'REVIEW', 'APPROVED', 'EXECUTING', 'REFUNDED', 'REJECTED', 'ESCALATED', 'FEEDBACK_SUBMITTED', 'FAILED', 'CLOSED');

-- CreateEnum
CREATE TYPE "Route" AS ENUM ('AUTO_APPROVE', 'REVIEW', 'AUTO_REJECT');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('QUEUED', 'RUNNING', 'DONE', 'FAILED');

-- CreateTable
CREATE TABLE "Merchant" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Merchant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "failedLogins" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "merchantId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("merchantId","userId")
);

-- CreateTable
CREATE TABLE "Case" (
    "id" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "kind" "CaseKind" NOT NULL,
    "status" "CaseStatus" NOT NULL DEFAULT 'NEW',
    "outTradeNo" TEXT NOT NULL,
    "tradeNo" TEXT,
    "outRequestNo" TEXT NOT NULL,
    "paidAmountFen" INTEGER NOT NULL,
    "requestedAmountFen" INTEGER NOT NULL,
    "refundedAmountFen" INTEGER NOT NULL DEFAULT 0,
    "currency" TEXT NOT NULL DEFAULT 'CNY',
    "reasonText" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "deviceFingerprint" TEXT,
    "merchantCategory" TEXT NOT NULL,
    "crossBorder" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT NOT NULL DEFAULT 'zh-CN',
    "complainEventId" TEXT,
    "disputeDeadline" TIMESTAMP(3),
    "route" "Route",
    "routeReasons" TEXT[],
    "claimedById" TEXT,
    "claimExpiresAt" TIMESTAMP(3),
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decisionCode" TEXT,
    "decisionNote" TEXT,
    "feedbackCode" TEXT,
    "feedbackContent" TEXT,
    "lastError" TEXT,
    "idempotencyKey" TEXT,
    "requestHash" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AiDecision" (
    "id" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "riskScore" DECIMAL(5,4),
    "confidence" DECIMAL(5,4),
    "recommendation" TEXT,
    "explanation" TEXT,
    "reasoningLogEnc" TEXT,
    "modelVersion" TEXT,
    "suggestedRefundFen" INTEGER,
    "sentiment" TEXT,
    "anomalies" TEXT[],
    "proposedFeedbackCode" TEXT,
    "draftFeedback" TEXT,
    "policyVersion" INTEGER NOT NULL,
    "route" "Route" NOT NULL,
    "reasons" TEXT[],
    "failure" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AiDecision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiCall" (
    "id" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "caseId" TEXT,
    "endpoint" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "traceId" TEXT,
    "modelVersion" TEXT,
    "httpStatus" INTEGER,
    "code" TEXT,
    "subCode" TEXT,
    "latencyMs" INTEGER NOT NULL,
    "attempt" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "tier" TEXT NOT NULL DEFAULT 'standard',
    "costCny" DECIMAL(18,6) NOT NULL DEFAULT 0,
    "feeCny" DECIMAL(18,6) NOT NULL DEFAULT 0,
    "priceVersion" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiCall_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ThresholdPolicy" (
    "id" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "autoApproveBelow" DECIMAL(4,3) NOT NULL,
    "autoRejectAtOrAbove" DECIMAL(4,3) NOT NULL,
    "confidenceFloor" DECIMAL(4,3) NOT NULL,
    "hitlLimitFen" INTEGER NOT NULL,
    "note" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ThresholdPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "merchantId" TEXT NOT NULL,
    "actorId" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "runAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" TIMESTAMP(3),
    "lockedBy" TEXT,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateBucket" (
    "appId" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RateBucket_pkey" PRIMARY KEY ("appId")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");

-- CreateIndex
CREATE INDEX "Case_merchantId_status_createdAt_idx" ON "Case"("merchantId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Case_merchantId_kind_createdAt_idx" ON "Case"("merchantId", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "Case_merchantId_createdAt_idx" ON "Case"("merchantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Case_merchantId_outRequestNo_key" ON "Case"("merchantId", "outRequestNo");

-- CreateIndex
CREATE UNIQUE INDEX "Case_merchantId_idempotencyKey_key" ON "Case"("merchantId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "Case_merchantId_complainEventId_key" ON "Case"("merchantId", "complainEventId");

-- CreateIndex
CREATE INDEX "AiDecision_merchantId_createdAt_idx" ON "AiDecision"("merchantId", "createdAt");

-- CreateIndex
CREATE INDEX "AiDecision_merchantId_caseId_idx" ON "AiDecision"("merchantId", "caseId");

-- CreateIndex
CREATE INDEX "ApiCall_merchantId_createdAt_idx" ON "ApiCall"("merchantId", "createdAt");

-- CreateIndex
CREATE INDEX "ApiCall_merchantId_endpoint_createdAt_idx" ON "ApiCall"("merchantId", "endpoint", "createdAt");

-- CreateIndex
CREATE INDEX "ApiCall_merchantId_caseId_idx" ON "ApiCall"("merchantId", "caseId");

-- CreateIndex
CREATE UNIQUE INDEX "ThresholdPolicy_merchantId_version_key" ON "ThresholdPolicy"("merchantId", "version");

-- CreateIndex
CREATE INDEX "AuditEvent_merchantId_createdAt_idx" ON "AuditEvent"("merchantId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_merchantId_targetType_targetId_idx" ON "AuditEvent"("merchantId", "targetType", "targetId");

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- CreateIndex
CREATE UNIQUE INDEX "Job_merchantId_kind_caseId_key" ON "Job"("merchantId", "kind", "caseId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_prefix_key" ON "ApiKey"("prefix");

-- CreateIndex
CREATE INDEX "ApiKey_merchantId_idx" ON "ApiKey"("merchantId");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_merchantId_fkey" FOREIGN KEY ("merchantId") REFERENCES "Merchant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_merchantId_fkey" FOREIGN KEY ("merchantId") REFERENCES "Merchant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AiDecision" ADD CONSTRAINT "AiDecision_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ThresholdPolicy" ADD CONSTRAINT "ThresholdPolicy_merchantId_fkey" FOREIGN KEY ("merchantId") REFERENCES "Merchant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_merchantId_fkey" FOREIGN KEY ("merchantId") REFERENCES "Merchant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
