-- CreateTable
CREATE TABLE "CostCaseDaily" (
    "merchantId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "cases" BIGINT NOT NULL DEFAULT 0,
    "resolved" BIGINT NOT NULL DEFAULT 0,
    "autoResolved" BIGINT NOT NULL DEFAULT 0,
    "reviewed" BIGINT NOT NULL DEFAULT 0,
    "handlingMs" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "CostCaseDaily_pkey" PRIMARY KEY ("merchantId","day")
);

-- A case is counted on the merchant-local day it was created (as "CostDaily" counts a call), for
-- its whole life: later changes (status, decidedById, handlingMs) move its counts within that day.
-- Resolved statuses are mirrored by RESOLVED_STATUSES in lib/costs/cases.ts (a test keeps them equal).
CREATE FUNCTION cost_case_resolved(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT status IN ('REFUNDED', 'REJECTED', 'FEEDBACK_SUBMITTED', 'CLOSED')
$$;

-- What a set of case rows adds to the rollup, per merchant and local day, times sign (+1 rows as
-- they are now, -1 rows as they were). Upserted in key order so concurrent writers cannot deadlock
-- on one statement's keys; a day whose cases are all gone loses its row.
CREATE FUNCTION cost_case_daily_apply(delta jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "CostCaseDaily" AS d ("merchantId", day, cases, resolved, "autoResolved", reviewed, "handlingMs")
  SELECT x."merchantId", x.day, x.cases, x.resolved, x."autoResolved", x.reviewed, x."handlingMs"
  FROM jsonb_to_recordset(delta) AS x("merchantId" text, day date, cases bigint, resolved bigint, "autoResolved" bigint, reviewed bigint, "handlingMs" bigint)
  ORDER BY 1, 2
  ON CONFLICT ("merchantId", day) DO UPDATE SET
    cases = d.cases + EXCLUDED.cases,
    resolved = d.resolved + EXCLUDED.resolved,
    "autoResolved" = d."autoResolved" + EXCLUDED."autoResolved",
    reviewed = d.reviewed + EXCLUDED.reviewed,
    "handlingMs" = d."handlingMs" + EXCLUDED."handlingMs";
  DELETE FROM "CostCaseDaily" d
  USING jsonb_to_recordset(delta) AS x("merchantId" text, day date, cases bigint)
  WHERE x.cases < 0 AND d."merchantId" = x."merchantId" AND d.day = x.day AND d.cases = 0;
END
$$;

-- Statement triggers: one grouped upsert per statement, so bulk loads stay cheap. An update counts
-- its rows out as they were and in as they are, and only the net change per day is written: updates
-- that touch no counted column (claims, notes, retries) write nothing. The rows' source differs by
-- operation (transition tables exist per trigger), hence the one dynamic statement.
CREATE FUNCTION cost_case_daily_changed() RETURNS trigger
LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
  cols constant text := '"merchantId", "createdAt", status, "decidedById", "handlingMs"';
  delta jsonb;
BEGIN
  EXECUTE format($q$
    SELECT jsonb_agg(t) FROM (
      SELECT x."merchantId",
             ((x."createdAt" AT TIME ZONE 'UTC') AT TIME ZONE coalesce(m."timeZone", 'Asia/Shanghai'))::date AS day,
             sum(x.sign) AS cases,
             coalesce(sum(x.sign) FILTER (WHERE cost_case_resolved(x.status::text)), 0) AS resolved,
             coalesce(sum(x.sign) FILTER (WHERE cost_case_resolved(x.status::text) AND x."decidedById" IS NULL), 0) AS "autoResolved",
             coalesce(sum(x.sign) FILTER (WHERE x."handlingMs" IS NOT NULL), 0) AS reviewed,
             coalesce(sum(x.sign * x."handlingMs"::bigint), 0) AS "handlingMs"
      FROM (%s) x
      LEFT JOIN "Merchant" m ON m.id = x."merchantId"
      GROUP BY 1, 2
    ) t WHERE (cases, resolved, "autoResolved", reviewed, "handlingMs") <> (0, 0, 0, 0, 0)$q$,
    CASE TG_OP
      WHEN 'INSERT' THEN format('SELECT %s, 1 AS sign FROM new_rows', cols)
      WHEN 'DELETE' THEN format('SELECT %s, -1 AS sign FROM old_rows', cols)
      ELSE format('SELECT %1$s, 1 AS sign FROM new_rows UNION ALL SELECT %1$s, -1 FROM old_rows', cols)
    END) INTO delta;
  IF delta IS NOT NULL THEN
    PERFORM cost_case_daily_apply(delta);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "Case_cost_case_daily_insert" AFTER INSERT ON "Case"
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION cost_case_daily_changed();

CREATE TRIGGER "Case_cost_case_daily_update" AFTER UPDATE ON "Case"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION cost_case_daily_changed();

CREATE TRIGGER "Case_cost_case_daily_delete" AFTER DELETE ON "Case"
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION cost_case_daily_changed();

-- Recomputes the rollup from "Case" (one merchant, or all when NULL) in one INSERT..SELECT, under a
-- SHARE lock that holds case writes back meanwhile. Needed after a load with the triggers disabled
-- or a change of the merchant's time zone.
CREATE FUNCTION cost_case_daily_rebuild(p_merchant text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
  n bigint;
BEGIN
  LOCK TABLE "Case" IN SHARE MODE;
  DELETE FROM "CostCaseDaily" WHERE p_merchant IS NULL OR "merchantId" = p_merchant;
  INSERT INTO "CostCaseDaily" ("merchantId", day, cases, resolved, "autoResolved", reviewed, "handlingMs")
  SELECT c."merchantId",
         ((c."createdAt" AT TIME ZONE 'UTC') AT TIME ZONE coalesce(m."timeZone", 'Asia/Shanghai'))::date,
         count(*),
         count(*) FILTER (WHERE cost_case_resolved(c.status::text)),
         count(*) FILTER (WHERE cost_case_resolved(c.status::text) AND c."decidedById" IS NULL),
         count(c."handlingMs"),
         coalesce(sum(c."handlingMs"), 0)
  FROM "Case" c
  LEFT JOIN "Merchant" m ON m.id = c."merchantId"
  WHERE p_merchant IS NULL OR c."merchantId" = p_merchant
  GROUP BY 1, 2;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

-- Cases already there when this migration runs.
SELECT cost_case_daily_rebuild(NULL);
