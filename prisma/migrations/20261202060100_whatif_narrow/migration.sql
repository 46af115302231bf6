-- Narrow what-if facts (issue 5): the replay index holds only fixed-width, NOT NULL columns
-- (scores as basis points, category and merchant as integer codes, flags packed in one cell), so
-- each index tuple is 56 bytes and deforms at cached offsets (docs/benchmarks/whatif.md). The
-- facts are derived data: the table is recreated and refilled by whatif_rebuild() at the end.

DROP TABLE "WhatIfFact";

-- CreateTable
CREATE TABLE "WhatIfFact" (
    "decisionId" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "outTradeNo" TEXT NOT NULL,
    "merchantKey" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "nextAt" TIMESTAMP(3) NOT NULL,
    "categoryCode" INTEGER NOT NULL,
    "kind" SMALLINT NOT NULL,
    "risk" SMALLINT NOT NULL,
    "confidence" SMALLINT NOT NULL,
    "amountFen" INTEGER NOT NULL,
    "handledMs" INTEGER NOT NULL,
    "cell" SMALLINT NOT NULL,
    "wrong" SMALLINT NOT NULL,

    CONSTRAINT "WhatIfFact_pkey" PRIMARY KEY ("decisionId")
);

-- CreateTable
CREATE TABLE "WhatIfMerchant" (
    "merchantId" TEXT NOT NULL,
    "key" SERIAL NOT NULL,

    CONSTRAINT "WhatIfMerchant_pkey" PRIMARY KEY ("merchantId")
);

-- CreateTable
CREATE TABLE "WhatIfCategory" (
    "merchantId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "code" SERIAL NOT NULL,

    CONSTRAINT "WhatIfCategory_pkey" PRIMARY KEY ("merchantId","name")
);

-- CreateIndex
CREATE UNIQUE INDEX "WhatIfMerchant_key_key" ON "WhatIfMerchant"("key");

-- CreateIndex
CREATE UNIQUE INDEX "WhatIfCategory_code_key" ON "WhatIfCategory"("code");

-- CreateIndex
CREATE INDEX "WhatIfFact_replay_idx" ON "WhatIfFact"("merchantKey", "at", "nextAt", "amountFen", "handledMs", "categoryCode", "kind", "risk", "confidence", "cell");

-- CreateIndex
CREATE INDEX "WhatIfFact_merchantKey_wrong_at_idx" ON "WhatIfFact"("merchantKey", "wrong", "at");

-- CreateIndex
CREATE INDEX "WhatIfFact_merchantId_caseId_idx" ON "WhatIfFact"("merchantId", "caseId");

-- CreateIndex
CREATE INDEX "WhatIfFact_merchantId_outTradeNo_idx" ON "WhatIfFact"("merchantId", "outTradeNo");


-- Encodings, shared by whatif_refresh_cases (triggers) and whatif_rebuild (bulk); simple SQL
-- functions, inlined by the planner.

-- A Decimal(5,4) score in basis points: exact, and ordered as the JS numbers Number(score) are.
-- Outside [0, 1] only "out of range" matters to routing: -1 below (or missing), 10001 above (or NaN).
CREATE FUNCTION whatif_bp(v numeric) RETURNS smallint LANGUAGE sql IMMUTABLE AS $$
  SELECT (CASE WHEN v IS NULL OR v < 0 THEN -1 WHEN v > 1 THEN 10001 ELSE v * 10000 END)::smallint
$$;

-- Chart bucket 1..20 of a score (a score of exactly 1 in the last), 0 for none.
CREATE FUNCTION whatif_bucket(v numeric) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN v IS NOT NULL AND v::float8 <> 'NaN'::float8 THEN LEAST(GREATEST(width_bucket(v::float8, 0, 1, 20), 1), 20) ELSE 0 END
$$;

-- What routeCase does with a decision before looking at thresholds (NaN numeric sorts above 1):
-- 1 a person decides whatever they are, 0 AI unavailable, else the recommendation 2 PASS, 3 REJECT, 4 other.
CREATE FUNCTION whatif_kind(risk numeric, rec text, person boolean) RETURNS smallint LANGUAGE sql IMMUTABLE AS $$
  SELECT (CASE WHEN person THEN 1 WHEN risk IS NULL THEN 0 WHEN rec = 'REVIEW' OR risk < 0 OR risk > 1 THEN 1
               WHEN rec = 'PASS' THEN 2 WHEN rec = 'REJECT' THEN 3 ELSE 4 END)::smallint
$$;

-- Gives the merchants and categories of some cases their codes; inserts only what is missing, so
-- the sequences do not advance on every refresh.
CREATE FUNCTION whatif_register(p_merchant text[], p_case text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "WhatIfMerchant" ("merchantId")
  SELECT DISTINCT c."merchantId" FROM unnest(p_merchant, p_case) AS u(m, id) JOIN "Case" c ON c.id = u.id AND c."merchantId" = u.m
  WHERE NOT EXISTS (SELECT 1 FROM "WhatIfMerchant" w WHERE w."merchantId" = c."merchantId")
  ON CONFLICT DO NOTHING;
  INSERT INTO "WhatIfCategory" ("merchantId", "name")
  SELECT DISTINCT c."merchantId", c."merchantCategory" FROM unnest(p_merchant, p_case) AS u(m, id) JOIN "Case" c ON c.id = u.id AND c."merchantId" = u.m
  WHERE NOT EXISTS (SELECT 1 FROM "WhatIfCategory" w WHERE w."merchantId" = c."merchantId" AND w."name" = c."merchantCategory")
  ON CONFLICT DO NOTHING;
END $$;

CREATE OR REPLACE FUNCTION whatif_refresh_cases(p_merchant text[], p_case text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM whatif_lock(array_agg(c."merchantId"), array_agg(c."outTradeNo"))
    FROM unnest(p_merchant, p_case) AS u(m, id) JOIN "Case" c ON c.id = u.id AND c."merchantId" = u.m;
  PERFORM whatif_register(p_merchant, p_case);
  DELETE FROM "WhatIfFact" f USING unnest(p_merchant, p_case) AS u(m, id) WHERE f."merchantId" = u.m AND f."caseId" = u.id;
  INSERT INTO "WhatIfFact" ("decisionId", "merchantId", "caseId", "outTradeNo", "merchantKey", "at", "nextAt", "categoryCode", "kind",
                            "risk", "confidence", "amountFen", "handledMs", "cell", "wrong")
  SELECT id, "merchantId", "caseId", "outTradeNo", "merchantKey", "at", "nextAt", "categoryCode", "kind", "risk", "confidence", "amountFen",
         CASE WHEN handled THEN "handlingMs" ELSE 0 END, ((rb * 21 + cb) * 3 + wrong) * 2 + handled::int, wrong
  FROM (
    SELECT x.id, x."merchantId", x."caseId", c."outTradeNo", mk."key" AS "merchantKey", x."createdAt" AS "at",
           coalesce(lead(x."createdAt") OVER (PARTITION BY x."merchantId", x."caseId" ORDER BY x."createdAt", x.id), 'infinity') AS "nextAt",
           cc.code AS "categoryCode",
           whatif_kind(x."riskScore", x.recommendation, c.kind = 'DISPUTE' OR c."requestedAmountFen" > c."paidAmountFen") AS kind,
           whatif_bp(x."riskScore") AS risk, whatif_bp(x.confidence) AS confidence, c."requestedAmountFen" AS "amountFen",
           c."handlingMs", c."decidedAt" IS NOT NULL AND c."handlingMs" IS NOT NULL AS handled,
           whatif_bucket(x."riskScore") AS rb, whatif_bucket(x.confidence) AS cb,
           CASE WHEN x.route = 'AUTO_APPROVE' AND w."lastAt" > x."createdAt" THEN 1
                WHEN x.route = 'AUTO_REJECT' AND c.status = 'REFUNDED' AND c."decidedById" IS NOT NULL THEN 2 ELSE 0 END AS wrong
    FROM (SELECT DISTINCT m, id FROM unnest(p_merchant, p_case) AS u(m, id)) u
    JOIN "AiDecision" x ON x."merchantId" = u.m AND x."caseId" = u.id
    JOIN "Case" c ON c.id = x."caseId" AND c."merchantId" = x."merchantId"
    JOIN "WhatIfMerchant" mk ON mk."merchantId" = c."merchantId"
    JOIN "WhatIfCategory" cc ON cc."merchantId" = c."merchantId" AND cc."name" = c."merchantCategory"
    LEFT JOIN "WhatIfDispute" w ON w."merchantId" = c."merchantId" AND w."outTradeNo" = c."outTradeNo"
  ) s;
END $$;

-- For loaders that insert with the triggers disabled (benchmarks, imports): everything again, in
-- one INSERT ... SELECT per table, then the indexes rebuilt packed (rows arrive in case order,
-- which leaves the replay index's pages half full). The codes of merchants and categories are kept.
CREATE OR REPLACE FUNCTION whatif_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE "WhatIfFact", "WhatIfDispute";
  INSERT INTO "WhatIfMerchant" ("merchantId")
  SELECT DISTINCT c."merchantId" FROM "Case" c WHERE NOT EXISTS (SELECT 1 FROM "WhatIfMerchant" w WHERE w."merchantId" = c."merchantId")
  ON CONFLICT DO NOTHING;
  INSERT INTO "WhatIfCategory" ("merchantId", "name")
  SELECT DISTINCT c."merchantId", c."merchantCategory" FROM "Case" c
  WHERE NOT EXISTS (SELECT 1 FROM "WhatIfCategory" w WHERE w."merchantId" = c."merchantId" AND w."name" = c."merchantCategory")
  ON CONFLICT DO NOTHING;
  INSERT INTO "WhatIfDispute" ("merchantId", "outTradeNo", "lastAt")
  SELECT "merchantId", "outTradeNo", max("createdAt") FROM "Case" WHERE kind = 'DISPUTE' GROUP BY "merchantId", "outTradeNo";
  INSERT INTO "WhatIfFact" ("decisionId", "merchantId", "caseId", "outTradeNo", "merchantKey", "at", "nextAt", "categoryCode", "kind",
                            "risk", "confidence", "amountFen", "handledMs", "cell", "wrong")
  SELECT id, "merchantId", "caseId", "outTradeNo", "merchantKey", "at", "nextAt", "categoryCode", "kind", "risk", "confidence", "amountFen",
         CASE WHEN handled THEN "handlingMs" ELSE 0 END, ((rb * 21 + cb) * 3 + wrong) * 2 + handled::int, wrong
  FROM (
    SELECT x.id, x."merchantId", x."caseId", c."outTradeNo", mk."key" AS "merchantKey", x."createdAt" AS "at",
           coalesce(lead(x."createdAt") OVER (PARTITION BY x."merchantId", x."caseId" ORDER BY x."createdAt", x.id), 'infinity') AS "nextAt",
           cc.code AS "categoryCode",
           whatif_kind(x."riskScore", x.recommendation, c.kind = 'DISPUTE' OR c."requestedAmountFen" > c."paidAmountFen") AS kind,
           whatif_bp(x."riskScore") AS risk, whatif_bp(x.confidence) AS confidence, c."requestedAmountFen" AS "amountFen",
           c."handlingMs", c."decidedAt" IS NOT NULL AND c."handlingMs" IS NOT NULL AS handled,
           whatif_bucket(x."riskScore") AS rb, whatif_bucket(x.confidence) AS cb,
           CASE WHEN x.route = 'AUTO_APPROVE' AND w."lastAt" > x."createdAt" THEN 1
                WHEN x.route = 'AUTO_REJECT' AND c.status = 'REFUNDED' AND c."decidedById" IS NOT NULL THEN 2 ELSE 0 END AS wrong
    FROM "AiDecision" x
    JOIN "Case" c ON c.id = x."caseId" AND c."merchantId" = x."merchantId"
    JOIN "WhatIfMerchant" mk ON mk."merchantId" = c."merchantId"
    JOIN "WhatIfCategory" cc ON cc."merchantId" = c."merchantId" AND cc."name" = c."merchantCategory"
    LEFT JOIN "WhatIfDispute" w ON w."merchantId" = c."merchantId" AND w."outTradeNo" = c."outTradeNo"
  ) s;
  REINDEX TABLE "WhatIfFact";
END $$;

SELECT whatif_rebuild();
