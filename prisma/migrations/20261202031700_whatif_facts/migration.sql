-- What-if facts (issue 5): one narrow row per AI decision, kept current by triggers, so the
-- what-if replays thresholds with one index-only range scan instead of joining AiDecision,
-- Case and the disputes at query time (docs/benchmarks/whatif.md).

-- CreateTable
CREATE TABLE "WhatIfFact" (
    "decisionId" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "outTradeNo" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "nextAt" TIMESTAMP(3),
    "riskScore" DOUBLE PRECISION,
    "confidence" DOUBLE PRECISION,
    "rec" SMALLINT NOT NULL,
    "stored" SMALLINT NOT NULL,
    "riskBucket" SMALLINT,
    "confBucket" SMALLINT,
    "category" TEXT NOT NULL,
    "person" BOOLEAN NOT NULL,
    "amountFen" INTEGER NOT NULL,
    "handlingMs" INTEGER,
    "decided" BOOLEAN NOT NULL,
    "wrong" SMALLINT NOT NULL,

    CONSTRAINT "WhatIfFact_pkey" PRIMARY KEY ("decisionId")
);

-- CreateTable
CREATE TABLE "WhatIfDispute" (
    "merchantId" TEXT NOT NULL,
    "outTradeNo" TEXT NOT NULL,
    "lastAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WhatIfDispute_pkey" PRIMARY KEY ("merchantId","outTradeNo")
);

-- CreateIndex
CREATE INDEX "WhatIfFact_replay_idx" ON "WhatIfFact"("merchantId", "at", "nextAt", "riskScore", "confidence", "rec", "stored", "riskBucket", "confBucket", "category", "person", "amountFen", "handlingMs", "decided", "wrong");

-- CreateIndex
CREATE INDEX "WhatIfFact_merchantId_wrong_at_idx" ON "WhatIfFact"("merchantId", "wrong", "at");

-- CreateIndex
CREATE INDEX "WhatIfFact_merchantId_caseId_idx" ON "WhatIfFact"("merchantId", "caseId");

-- CreateIndex
CREATE INDEX "WhatIfFact_merchantId_outTradeNo_idx" ON "WhatIfFact"("merchantId", "outTradeNo");


-- Everything below is maintenance Prisma's schema cannot express: functions and triggers.
-- The fact of a decision is a function of the decision, its case, the case's next decision and
-- the latest dispute on the same order number. whatif_refresh_cases (triggers) and whatif_rebuild
-- (bulk loads) select the same columns; lib/policy/whatif.test.ts checks that they agree.

-- Serialises every change touching one order number's facts, so a decision, a status change and
-- a dispute arriving in concurrent transactions each recompute from the others' committed rows.
CREATE FUNCTION whatif_lock(p_merchant text[], p_order text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(k) FROM (
    SELECT DISTINCT hashtextextended('whatif/' || m || '/' || o, 0) AS k FROM unnest(p_merchant, p_order) AS u(m, o) ORDER BY 1
  ) s;
END $$;

CREATE FUNCTION whatif_refresh_cases(p_merchant text[], p_case text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM whatif_lock(array_agg(c."merchantId"), array_agg(c."outTradeNo"))
    FROM unnest(p_merchant, p_case) AS u(m, id) JOIN "Case" c ON c.id = u.id AND c."merchantId" = u.m;
  DELETE FROM "WhatIfFact" f USING unnest(p_merchant, p_case) AS u(m, id) WHERE f."merchantId" = u.m AND f."caseId" = u.id;
  INSERT INTO "WhatIfFact" ("decisionId", "merchantId", "caseId", "outTradeNo", "at", "nextAt", "riskScore", "confidence", "rec", "stored",
                            "riskBucket", "confBucket", "category", "person", "amountFen", "handlingMs", "decided", "wrong")
  SELECT x.id, x."merchantId", x."caseId", c."outTradeNo", x."createdAt",
         lead(x."createdAt") OVER (PARTITION BY x."merchantId", x."caseId" ORDER BY x."createdAt", x.id),
         x."riskScore"::float8, x.confidence::float8,
         CASE WHEN x.recommendation IS NULL THEN 0 WHEN x.recommendation = 'PASS' THEN 1 WHEN x.recommendation = 'REVIEW' THEN 2
              WHEN x.recommendation = 'REJECT' THEN 3 ELSE 4 END,
         CASE x.route WHEN 'AUTO_APPROVE' THEN 0 WHEN 'REVIEW' THEN 1 ELSE 2 END,
         CASE WHEN x."riskScore" IS NOT NULL AND x."riskScore"::float8 <> 'NaN'::float8 THEN LEAST(GREATEST(width_bucket(x."riskScore"::float8, 0, 1, 20), 1), 20) END,
         CASE WHEN x.confidence IS NOT NULL AND x.confidence::float8 <> 'NaN'::float8 THEN LEAST(GREATEST(width_bucket(x.confidence::float8, 0, 1, 20), 1), 20) END,
         c."merchantCategory", c.kind = 'DISPUTE' OR c."requestedAmountFen" > c."paidAmountFen", c."requestedAmountFen", c."handlingMs", c."decidedAt" IS NOT NULL,
         CASE WHEN x.route = 'AUTO_APPROVE' AND w."lastAt" > x."createdAt" THEN 1
              WHEN x.route = 'AUTO_REJECT' AND c.status = 'REFUNDED' AND c."decidedById" IS NOT NULL THEN 2 ELSE 0 END
  FROM (SELECT DISTINCT m, id FROM unnest(p_merchant, p_case) AS u(m, id)) u
  JOIN "AiDecision" x ON x."merchantId" = u.m AND x."caseId" = u.id
  JOIN "Case" c ON c.id = x."caseId" AND c."merchantId" = x."merchantId"
  LEFT JOIN "WhatIfDispute" w ON w."merchantId" = c."merchantId" AND w."outTradeNo" = c."outTradeNo";
END $$;

-- Recomputes the latest dispute of some order numbers from Case, then the facts of their cases.
-- p_arrived: the order numbers only gained disputes (an insert), so the maximum can only grow.
CREATE FUNCTION whatif_refresh_orders(p_merchant text[], p_order text[], p_arrived timestamp[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  cases_m text[];
  cases_id text[];
BEGIN
  PERFORM whatif_lock(p_merchant, p_order);
  IF p_arrived IS NOT NULL THEN
    INSERT INTO "WhatIfDispute" ("merchantId", "outTradeNo", "lastAt")
    SELECT m, o, max(a) FROM unnest(p_merchant, p_order, p_arrived) AS u(m, o, a) GROUP BY m, o
    ON CONFLICT ("merchantId", "outTradeNo") DO UPDATE SET "lastAt" = GREATEST("WhatIfDispute"."lastAt", EXCLUDED."lastAt");
  ELSE
    DELETE FROM "WhatIfDispute" w USING unnest(p_merchant, p_order) AS u(m, o) WHERE w."merchantId" = u.m AND w."outTradeNo" = u.o;
    INSERT INTO "WhatIfDispute" ("merchantId", "outTradeNo", "lastAt")
    SELECT c."merchantId", c."outTradeNo", max(c."createdAt")
    FROM (SELECT DISTINCT m, o FROM unnest(p_merchant, p_order) AS u(m, o)) u
    JOIN "Case" c ON c."merchantId" = u.m AND c.kind = 'DISPUTE' AND c."outTradeNo" = u.o
    GROUP BY c."merchantId", c."outTradeNo";
  END IF;
  SELECT array_agg(f."merchantId"), array_agg(f."caseId") INTO cases_m, cases_id FROM (
    SELECT DISTINCT f."merchantId", f."caseId" FROM "WhatIfFact" f JOIN unnest(p_merchant, p_order) AS u(m, o) ON f."merchantId" = u.m AND f."outTradeNo" = u.o
  ) f;
  IF cases_id IS NOT NULL THEN
    PERFORM whatif_refresh_cases(cases_m, cases_id);
  END IF;
END $$;

CREATE FUNCTION whatif_decisions_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM whatif_refresh_cases(array_agg("merchantId"), array_agg("caseId")) FROM (SELECT DISTINCT "merchantId", "caseId" FROM new_rows) n HAVING count(*) > 0;
  RETURN NULL;
END $$;

CREATE FUNCTION whatif_decisions_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM whatif_refresh_cases(array_agg("merchantId"), array_agg("caseId")) FROM (SELECT DISTINCT "merchantId", "caseId" FROM old_rows) o HAVING count(*) > 0;
  RETURN NULL;
END $$;

CREATE FUNCTION whatif_decisions_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM whatif_refresh_cases(array_agg(m), array_agg(id)) FROM (
    SELECT "merchantId" AS m, "caseId" AS id FROM old_rows UNION SELECT "merchantId", "caseId" FROM new_rows
  ) k HAVING count(*) > 0;
  RETURN NULL;
END $$;

CREATE FUNCTION whatif_cases_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM whatif_refresh_orders(array_agg("merchantId"), array_agg("outTradeNo"), array_agg("createdAt"))
    FROM new_rows WHERE kind = 'DISPUTE' HAVING count(*) > 0;
  RETURN NULL;
END $$;

CREATE FUNCTION whatif_case_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM whatif_refresh_orders(ARRAY[OLD."merchantId"], ARRAY[OLD."outTradeNo"], NULL);
    RETURN NULL;
  END IF;
  IF (OLD.kind = 'DISPUTE' OR NEW.kind = 'DISPUTE') AND (OLD.kind, OLD."merchantId", OLD."outTradeNo", OLD."createdAt")
       IS DISTINCT FROM (NEW.kind, NEW."merchantId", NEW."outTradeNo", NEW."createdAt") THEN
    PERFORM whatif_refresh_orders(ARRAY[OLD."merchantId", NEW."merchantId"], ARRAY[OLD."outTradeNo", NEW."outTradeNo"], NULL);
  END IF;
  PERFORM whatif_refresh_cases(ARRAY[OLD."merchantId", NEW."merchantId"], ARRAY[OLD.id, NEW.id]);
  RETURN NULL;
END $$;

CREATE TRIGGER whatif_decisions_inserted AFTER INSERT ON "AiDecision"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION whatif_decisions_inserted();
CREATE TRIGGER whatif_decisions_updated AFTER UPDATE ON "AiDecision"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION whatif_decisions_updated();
CREATE TRIGGER whatif_decisions_deleted AFTER DELETE ON "AiDecision"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION whatif_decisions_deleted();
CREATE TRIGGER whatif_cases_inserted AFTER INSERT ON "Case"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION whatif_cases_inserted();
-- Only the columns a fact is made of; claims, leases and notes do not fire it.
CREATE TRIGGER whatif_case_updated AFTER UPDATE OF "merchantId", kind, status, "outTradeNo", "paidAmountFen", "requestedAmountFen",
    "merchantCategory", "handlingMs", "decidedById", "decidedAt", "createdAt" ON "Case"
  FOR EACH ROW WHEN ((OLD."merchantId", OLD.kind, OLD.status, OLD."outTradeNo", OLD."paidAmountFen", OLD."requestedAmountFen",
                      OLD."merchantCategory", OLD."handlingMs", OLD."decidedById", OLD."decidedAt", OLD."createdAt")
                IS DISTINCT FROM (NEW."merchantId", NEW.kind, NEW.status, NEW."outTradeNo", NEW."paidAmountFen", NEW."requestedAmountFen",
                      NEW."merchantCategory", NEW."handlingMs", NEW."decidedById", NEW."decidedAt", NEW."createdAt"))
  EXECUTE FUNCTION whatif_case_changed();
CREATE TRIGGER whatif_case_deleted AFTER DELETE ON "Case"
  FOR EACH ROW WHEN (OLD.kind = 'DISPUTE') EXECUTE FUNCTION whatif_case_changed();

-- For loaders that insert with these triggers disabled (benchmarks, imports): everything again,
-- in one INSERT ... SELECT per table.
CREATE FUNCTION whatif_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE "WhatIfFact", "WhatIfDispute";
  INSERT INTO "WhatIfDispute" ("merchantId", "outTradeNo", "lastAt")
  SELECT "merchantId", "outTradeNo", max("createdAt") FROM "Case" WHERE kind = 'DISPUTE' GROUP BY "merchantId", "outTradeNo";
  INSERT INTO "WhatIfFact" ("decisionId", "merchantId", "caseId", "outTradeNo", "at", "nextAt", "riskScore", "confidence", "rec", "stored",
                            "riskBucket", "confBucket", "category", "person", "amountFen", "handlingMs", "decided", "wrong")
  SELECT x.id, x."merchantId", x."caseId", c."outTradeNo", x."createdAt",
         lead(x."createdAt") OVER (PARTITION BY x."merchantId", x."caseId" ORDER BY x."createdAt", x.id),
         x."riskScore"::float8, x.confidence::float8,
         CASE WHEN x.recommendation IS NULL THEN 0 WHEN x.recommendation = 'PASS' THEN 1 WHEN x.recommendation = 'REVIEW' THEN 2
              WHEN x.recommendation = 'REJECT' THEN 3 ELSE 4 END,
         CASE x.route WHEN 'AUTO_APPROVE' THEN 0 WHEN 'REVIEW' THEN 1 ELSE 2 END,
         CASE WHEN x."riskScore" IS NOT NULL AND x."riskScore"::float8 <> 'NaN'::float8 THEN LEAST(GREATEST(width_bucket(x."riskScore"::float8, 0, 1, 20), 1), 20) END,
         CASE WHEN x.confidence IS NOT NULL AND x.confidence::float8 <> 'NaN'::float8 THEN LEAST(GREATEST(width_bucket(x.confidence::float8, 0, 1, 20), 1), 20) END,
         c."merchantCategory", c.kind = 'DISPUTE' OR c."requestedAmountFen" > c."paidAmountFen", c."requestedAmountFen", c."handlingMs", c."decidedAt" IS NOT NULL,
         CASE WHEN x.route = 'AUTO_APPROVE' AND w."lastAt" > x."createdAt" THEN 1
              WHEN x.route = 'AUTO_REJECT' AND c.status = 'REFUNDED' AND c."decidedById" IS NOT NULL THEN 2 ELSE 0 END
  FROM "AiDecision" x
  JOIN "Case" c ON c.id = x."caseId" AND c."merchantId" = x."merchantId"
  LEFT JOIN "WhatIfDispute" w ON w."merchantId" = c."merchantId" AND w."outTradeNo" = c."outTradeNo";
END $$;
