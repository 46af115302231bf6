-- CreateEnum
CREATE TYPE "DriftAlertStatus" AS ENUM ('OPEN', 'ACKNOWLEDGED');

-- CreateTable
CREATE TABLE "InsightsDecisionRollup" (
    "merchantId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "metric" SMALLINT NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "merchantCategory" TEXT NOT NULL,
    "crossBorder" BOOLEAN NOT NULL,
    "amountBand" SMALLINT NOT NULL,
    "recommendation" TEXT NOT NULL,
    "bin" SMALLINT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "InsightsDecisionRollup_pkey" PRIMARY KEY ("merchantId","day","metric","modelVersion","merchantCategory","crossBorder","amountBand","recommendation","bin")
);

-- CreateTable
CREATE TABLE "InsightsOutcomeRollup" (
    "merchantId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "merchantCategory" TEXT NOT NULL,
    "crossBorder" BOOLEAN NOT NULL,
    "amountBand" SMALLINT NOT NULL,
    "recommendation" TEXT NOT NULL,
    "route" TEXT NOT NULL,
    "decisionCode" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "disputed" BOOLEAN NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "InsightsOutcomeRollup_pkey" PRIMARY KEY ("merchantId","day","modelVersion","merchantCategory","crossBorder","amountBand","recommendation","route","decisionCode","agentId","outcome","disputed")
);

-- CreateTable
CREATE TABLE "DriftAlert" (
    "id" TEXT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "value" DECIMAL(12,6) NOT NULL,
    "status" "DriftAlertStatus" NOT NULL DEFAULT 'OPEN',
    "acknowledgedById" TEXT,
    "acknowledgedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DriftAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DriftAlert_merchantId_status_createdAt_idx" ON "DriftAlert"("merchantId", "status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "DriftAlert_merchantId_kind_day_key" ON "DriftAlert"("merchantId", "kind", "day");

-- Not modelled by Prisma (keep out of generated diffs): the rollups' keys and triggers.
-- Days are calendar days in Asia/Shanghai; timestamps are stored as UTC without zone.
CREATE FUNCTION insights_day(ts timestamp) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT ((ts AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Shanghai')::date $$;

-- 0: < 50 CNY, 1: 50..200 (the human-in-the-loop limit), 2: 200..1,000, 3: above 1,000.
CREATE FUNCTION insights_amount_band(fen integer) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (CASE WHEN fen < 5000 THEN 0 WHEN fen <= 20000 THEN 1 WHEN fen <= 100000 THEN 2 ELSE 3 END)::smallint $$;

-- 1..20 over [0, 1] (a value of exactly 1 falls in the last bin); 0 = no value (AI failed).
CREATE FUNCTION insights_bin(v numeric) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (CASE WHEN v IS NULL THEN 0 ELSE least(20, greatest(1, width_bucket(v, 0, 1, 20))) END)::smallint $$;

CREATE FUNCTION insights_outcome(status "CaseStatus", approved integer) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN status IN ('APPROVED', 'EXECUTING', 'REFUNDED') OR (status = 'FAILED' AND approved IS NOT NULL) THEN 'APPROVED'
               WHEN status = 'REJECTED' THEN 'REJECTED' ELSE 'OPEN' END $$;

-- What one refund case contributes to "InsightsOutcomeRollup", given its columns and the current
-- decisions and disputes, leaving out the decision / dispute ids given (to compute the "before").
CREATE FUNCTION insights_outcome_key(
  p_merchant text, p_case text, p_kind "CaseKind", p_status "CaseStatus", p_created timestamp, p_category text,
  p_cross boolean, p_requested integer, p_route "Route", p_code text, p_agent text, p_approved integer, p_trade text,
  p_excl_decisions text[], p_excl_disputes text[])
RETURNS TABLE ("merchantId" text, day date, "modelVersion" text, "merchantCategory" text, "crossBorder" boolean, "amountBand" smallint,
               recommendation text, route text, "decisionCode" text, "agentId" text, outcome text, disputed boolean)
LANGUAGE sql STABLE AS $$
  SELECT p_merchant, insights_day(p_created), coalesce(ld.model, ''), p_category, p_cross, insights_amount_band(p_requested),
         coalesce(ld.rec, ''), coalesce(p_route::text, ''), coalesce(p_code, ''), coalesce(p_agent, ''), o.outcome,
         o.outcome = 'APPROVED' AND EXISTS (
           SELECT 1 FROM "Case" x WHERE x."merchantId" = p_merchant AND x."outTradeNo" = p_trade AND x.kind = 'DISPUTE'
             AND x.id <> p_case AND NOT (x.id = ANY (p_excl_disputes)))
  FROM (SELECT insights_outcome(p_status, p_approved) AS outcome) o
  LEFT JOIN LATERAL (
    SELECT d."modelVersion" AS model, d.recommendation AS rec FROM "AiDecision" d
    WHERE d."merchantId" = p_merchant AND d."caseId" = p_case AND NOT (d.id = ANY (p_excl_decisions))
    ORDER BY d."createdAt" DESC, d.id DESC LIMIT 1) ld ON true
  WHERE p_kind = 'REFUND'
$$;

-- "Was this trade disputed later": disputes by trade, the only rows the lookup reads.
CREATE INDEX "Case_insights_dispute_trade_idx" ON "Case" ("merchantId", "outTradeNo") WHERE kind = 'DISPUTE';

CREATE FUNCTION insights_decisions_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids text[];
BEGIN
  INSERT INTO "InsightsDecisionRollup" AS r ("merchantId", day, metric, "modelVersion", "merchantCategory", "crossBorder", "amountBand", recommendation, bin, count)
  SELECT d."merchantId", insights_day(d."createdAt"), m.metric, coalesce(d."modelVersion", ''), c."merchantCategory", c."crossBorder",
         insights_amount_band(c."requestedAmountFen"), coalesce(d.recommendation, ''),
         insights_bin(CASE WHEN m.metric = 0 THEN d."riskScore" ELSE d.confidence END), count(*)::int
  FROM new_rows d JOIN "Case" c ON c.id = d."caseId" CROSS JOIN (VALUES (0::smallint), (1::smallint)) m(metric)
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT ("merchantId", day, metric, "modelVersion", "merchantCategory", "crossBorder", "amountBand", recommendation, bin)
  DO UPDATE SET count = r.count + EXCLUDED.count;

  SELECT array_agg(id) INTO ids FROM new_rows;
  INSERT INTO "InsightsOutcomeRollup" AS r ("merchantId", day, "modelVersion", "merchantCategory", "crossBorder", "amountBand", recommendation, route, "decisionCode", "agentId", outcome, disputed, count)
  SELECT k.*, sum(s.sign)::int FROM "Case" c
  CROSS JOIN (VALUES (-1), (1)) s(sign)
  CROSS JOIN LATERAL insights_outcome_key(c."merchantId", c.id, c.kind, c.status, c."createdAt", c."merchantCategory", c."crossBorder", c."requestedAmountFen",
      c.route, c."decisionCode", c."decidedById", c."approvedAmountFen", c."outTradeNo", CASE WHEN s.sign < 0 THEN ids ELSE '{}'::text[] END, '{}'::text[]) k
  WHERE c.id IN (SELECT DISTINCT "caseId" FROM new_rows) AND c.kind = 'REFUND'
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 HAVING sum(s.sign) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
  ON CONFLICT ("merchantId", day, "modelVersion", "merchantCategory", "crossBorder", "amountBand", recommendation, route, "decisionCode", "agentId", outcome, disputed)
  DO UPDATE SET count = r.count + EXCLUDED.count;
  RETURN NULL;
END $$;

CREATE TRIGGER insights_decisions_inserted AFTER INSERT ON "AiDecision"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_decisions_inserted();

CREATE FUNCTION insights_cases_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE disputes text[];
BEGIN
  SELECT array_agg(id) INTO disputes FROM new_rows WHERE kind = 'DISPUTE';
  INSERT INTO "InsightsOutcomeRollup" AS r ("merchantId", day, "modelVersion", "merchantCategory", "crossBorder", "amountBand", recommendation, route, "decisionCode", "agentId", outcome, disputed, count)
  SELECT k.*, sum(x.sign)::int FROM (
    -- the new refund cases themselves
    SELECT c.*, 1 AS sign, '{}'::text[] AS excl FROM new_rows c WHERE c.kind = 'REFUND'
    UNION ALL
    -- earlier refunds of a trade that has just been disputed: before (without the new disputes) and after
    SELECT c.*, s.sign, CASE WHEN s.sign < 0 THEN disputes ELSE '{}'::text[] END FROM "Case" c CROSS JOIN (VALUES (-1), (1)) s(sign)
    WHERE disputes IS NOT NULL AND c.kind = 'REFUND' AND c.id NOT IN (SELECT id FROM new_rows)
      AND (c."merchantId", c."outTradeNo") IN (SELECT n."merchantId", n."outTradeNo" FROM new_rows n WHERE n.kind = 'DISPUTE')
  ) x
  CROSS JOIN LATERAL insights_outcome_key(x."merchantId", x.id, x.kind, x.status, x."createdAt", x."merchantCategory", x."crossBorder", x."requestedAmountFen",
      x.route, x."decisionCode", x."decidedById", x."approvedAmountFen", x."outTradeNo", '{}'::text[], x.excl) k
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 HAVING sum(x.sign) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
  ON CONFLICT ("merchantId", day, "modelVersion", "merchantCategory", "crossBorder", "amountBand", recommendation, route, "decisionCode", "agentId", outcome, disputed)
  DO UPDATE SET count = r.count + EXCLUDED.count;
  RETURN NULL;
END $$;

CREATE TRIGGER insights_cases_inserted AFTER INSERT ON "Case"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_cases_inserted();

-- A statement-level trigger cannot name columns, so it compares them: claims and other updates
-- that leave the key columns alone cost one join of the changed rows and nothing else.
CREATE FUNCTION insights_cases_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "InsightsOutcomeRollup" AS r ("merchantId", day, "modelVersion", "merchantCategory", "crossBorder", "amountBand", recommendation, route, "decisionCode", "agentId", outcome, disputed, count)
  SELECT k.*, sum(x.sign)::int FROM (
    SELECT o.*, -1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.kind, o.status, o."createdAt", o."merchantCategory", o."crossBorder", o."requestedAmountFen", o.route, o."decisionCode", o."decidedById", o."approvedAmountFen", o."outTradeNo", o."merchantId")
      IS DISTINCT FROM (n.kind, n.status, n."createdAt", n."merchantCategory", n."crossBorder", n."requestedAmountFen", n.route, n."decisionCode", n."decidedById", n."approvedAmountFen", n."outTradeNo", n."merchantId")
    UNION ALL
    SELECT n.*, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.kind, o.status, o."createdAt", o."merchantCategory", o."crossBorder", o."requestedAmountFen", o.route, o."decisionCode", o."decidedById", o."approvedAmountFen", o."outTradeNo", o."merchantId")
      IS DISTINCT FROM (n.kind, n.status, n."createdAt", n."merchantCategory", n."crossBorder", n."requestedAmountFen", n.route, n."decisionCode", n."decidedById", n."approvedAmountFen", n."outTradeNo", n."merchantId")
  ) x
  CROSS JOIN LATERAL insights_outcome_key(x."merchantId", x.id, x.kind, x.status, x."createdAt", x."merchantCategory", x."crossBorder", x."requestedAmountFen",
      x.route, x."decisionCode", x."decidedById", x."approvedAmountFen", x."outTradeNo", '{}'::text[], '{}'::text[]) k
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 HAVING sum(x.sign) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
  ON CONFLICT ("merchantId", day, "modelVersion", "merchantCategory", "crossBorder", "amountBand", recommendation, route, "decisionCode", "agentId", outcome, disputed)
  DO UPDATE SET count = r.count + EXCLUDED.count;
  RETURN NULL;
END $$;

CREATE TRIGGER insights_cases_updated AFTER UPDATE ON "Case"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_cases_updated();
