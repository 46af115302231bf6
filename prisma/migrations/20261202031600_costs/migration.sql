-- CreateTable
CREATE TABLE "CostDaily" (
    "merchantId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "endpoint" TEXT NOT NULL,
    "workflow" TEXT NOT NULL,
    "tier" TEXT NOT NULL,
    "failed" BOOLEAN NOT NULL,
    "calls" BIGINT NOT NULL DEFAULT 0,
    "retriedCalls" BIGINT NOT NULL DEFAULT 0,
    "costCny" DECIMAL(24,6) NOT NULL DEFAULT 0,
    "retriedCostCny" DECIMAL(24,6) NOT NULL DEFAULT 0,
    "feeCny" DECIMAL(24,6) NOT NULL DEFAULT 0,

    CONSTRAINT "CostDaily_pkey" PRIMARY KEY ("merchantId","day","endpoint","workflow","tier","failed")
);

-- CreateTable
CREATE TABLE "CostBudget" (
    "merchantId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "amountFen" INTEGER NOT NULL,
    "updatedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CostBudget_pkey" PRIMARY KEY ("merchantId","month")
);

-- CreateTable
CREATE TABLE "CostSettings" (
    "merchantId" TEXT NOT NULL,
    "reviewHourlyRateFen" INTEGER NOT NULL DEFAULT 6000,
    "webhookUrl" TEXT,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CostSettings_pkey" PRIMARY KEY ("merchantId")
);

-- CreateTable
CREATE TABLE "CostBudgetAlert" (
    "id" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "threshold" INTEGER NOT NULL,
    "budgetFen" INTEGER NOT NULL,
    "spentCny" DECIMAL(24,6) NOT NULL,
    "firedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "webhookStatus" TEXT,
    "webhookAt" TIMESTAMP(3),

    CONSTRAINT "CostBudgetAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CostBudgetAlert_merchantId_month_threshold_key" ON "CostBudgetAlert"("merchantId", "month", "threshold");

-- The workflow a call belongs to, from its endpoint; batch calls take their case's kind.
-- Mirrored by workflowOf() in lib/costs/workflow.ts (a test keeps the two equal).
CREATE FUNCTION cost_workflow(endpoint text, case_kind text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN endpoint = 'ai.risk.score' THEN 'risk'
    WHEN endpoint IN ('ai.refund.assess', 'trade.refund', 'trade.refund.query') THEN 'refund'
    WHEN endpoint = 'ai.dispute.analyze' OR endpoint LIKE 'tradecomplain.%' THEN 'dispute'
    WHEN endpoint LIKE 'ai.batch.%' AND case_kind = 'REFUND' THEN 'refund'
    WHEN endpoint LIKE 'ai.batch.%' AND case_kind = 'DISPUTE' THEN 'dispute'
    ELSE 'other'
  END
$$;

-- Folds a set of ledger rows into the daily rollup. Keys are upserted in a fixed order so two
-- concurrent bulk inserts cannot deadlock on each other's rollup rows.
-- work_mem lets a bulk statement aggregate by hash instead of an on-disk sort.
CREATE FUNCTION cost_daily_after_insert() RETURNS trigger
LANGUAGE plpgsql SET work_mem = '64MB' AS $$
BEGIN
  INSERT INTO "CostDaily" AS d ("merchantId", day, endpoint, workflow, tier, failed, calls, "retriedCalls", "costCny", "retriedCostCny", "feeCny")
  SELECT n."merchantId",
         ((n."createdAt" AT TIME ZONE 'UTC') AT TIME ZONE coalesce(m."timeZone", 'Asia/Shanghai'))::date,
         n.endpoint,
         cost_workflow(n.endpoint, c.kind::text),
         n.tier,
         n.outcome <> 'SUCCESS',
         count(*),
         count(*) FILTER (WHERE n.attempt > 1),
         sum(n."costCny"),
         coalesce(sum(n."costCny") FILTER (WHERE n.attempt > 1), 0),
         sum(n."feeCny")
  FROM new_rows n
  LEFT JOIN "Merchant" m ON m.id = n."merchantId"
  LEFT JOIN "Case" c ON n.endpoint LIKE 'ai.batch.%' AND c.id = n."caseId"
  GROUP BY 1, 2, 3, 4, 5, 6
  ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ("merchantId", day, endpoint, workflow, tier, failed) DO UPDATE SET
    calls = d.calls + EXCLUDED.calls,
    "retriedCalls" = d."retriedCalls" + EXCLUDED."retriedCalls",
    "costCny" = d."costCny" + EXCLUDED."costCny",
    "retriedCostCny" = d."retriedCostCny" + EXCLUDED."retriedCostCny",
    "feeCny" = d."feeCny" + EXCLUDED."feeCny";
  RETURN NULL;
END
$$;

CREATE TRIGGER "ApiCall_cost_daily" AFTER INSERT ON "ApiCall"
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION cost_daily_after_insert();

-- Recomputes the rollup from the ledger (one merchant, or all when NULL) in one INSERT..SELECT.
-- The SHARE lock holds ledger inserts back meanwhile, so no row is counted twice or missed.
CREATE FUNCTION cost_daily_rebuild(p_merchant text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
  n bigint;
BEGIN
  LOCK TABLE "ApiCall" IN SHARE MODE;
  DELETE FROM "CostDaily" WHERE p_merchant IS NULL OR "merchantId" = p_merchant;
  INSERT INTO "CostDaily" ("merchantId", day, endpoint, workflow, tier, failed, calls, "retriedCalls", "costCny", "retriedCostCny", "feeCny")
  SELECT a."merchantId",
         ((a."createdAt" AT TIME ZONE 'UTC') AT TIME ZONE coalesce(m."timeZone", 'Asia/Shanghai'))::date,
         a.endpoint,
         cost_workflow(a.endpoint, c.kind::text),
         a.tier,
         a.outcome <> 'SUCCESS',
         count(*),
         count(*) FILTER (WHERE a.attempt > 1),
         sum(a."costCny"),
         coalesce(sum(a."costCny") FILTER (WHERE a.attempt > 1), 0),
         sum(a."feeCny")
  FROM "ApiCall" a
  LEFT JOIN "Merchant" m ON m.id = a."merchantId"
  LEFT JOIN "Case" c ON a.endpoint LIKE 'ai.batch.%' AND c.id = a."caseId"
  WHERE p_merchant IS NULL OR a."merchantId" = p_merchant
  GROUP BY 1, 2, 3, 4, 5, 6;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

-- Rows already in the ledger when this migration runs.
SELECT cost_daily_rebuild(NULL);
