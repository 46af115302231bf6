-- whatif_lock took one advisory lock per order number a statement touched, held to commit. One
-- statement over many orders (a bulk import, a load generator, a large bulk action) then needed
-- more locks than PostgreSQL's shared lock table holds (max_locks_per_transaction x connections,
-- about 6,400 by default): 100,000 cases in one INSERT failed with "out of shared memory".
--
-- Orders now share 1,024 lock buckets: a statement takes at most 1,024 locks, whatever its size.
-- Correctness is unchanged (a coarser lock serialises at least what the finer one did); two
-- transactions on different orders of one bucket wait for each other, which at 1,024 buckets is
-- rare and short. The locks are still taken in ascending order within a statement. They use the
-- two-key form, (7707, bucket), a space of their own apart from the one-key locks of the audit
-- chain and the migrator.
CREATE OR REPLACE FUNCTION whatif_lock(p_merchant text[], p_order text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7707, k) FROM (
    SELECT DISTINCT hashtext(m || '/' || o) & 1023 AS k FROM unnest(p_merchant, p_order) AS u(m, o) ORDER BY 1
  ) s;
END $$;
