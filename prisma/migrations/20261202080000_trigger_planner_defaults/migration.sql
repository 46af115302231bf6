-- Trigger functions plan their statements with the planner's defaults, whatever the statement
-- that fired them set. The review queue claims its next case with SET LOCAL enable_sort = off (so
-- the planner walks the priority index, lib/review/queries.ts); the UPDATE's triggers inherited
-- it, and the insights rollup took 0.7-1 s per claim instead of milliseconds. A function's own SET
-- holds while it runs, for everything it calls, and is undone when it returns.
ALTER FUNCTION audit_event_chain() SET enable_sort = on;
ALTER FUNCTION cost_case_daily_changed() SET enable_sort = on;
ALTER FUNCTION cost_daily_after_insert() SET enable_sort = on;
ALTER FUNCTION insights_cases_inserted() SET enable_sort = on;
ALTER FUNCTION insights_cases_updated() SET enable_sort = on;
ALTER FUNCTION insights_decisions_inserted() SET enable_sort = on;
ALTER FUNCTION whatif_case_changed() SET enable_sort = on;
ALTER FUNCTION whatif_cases_inserted() SET enable_sort = on;
ALTER FUNCTION whatif_decisions_deleted() SET enable_sort = on;
ALTER FUNCTION whatif_decisions_inserted() SET enable_sort = on;
ALTER FUNCTION whatif_decisions_updated() SET enable_sort = on;
