-- The review queue's order (PRIORITY in lib/review/queries.ts), over open cases only: the first
-- page and "next case" read the index in order instead of sorting every open case, and the lane
-- counts are answered from the index alone (the INCLUDE columns), without visiting the table.
-- Prisma's schema cannot express an expression index; keep this out of future generated diffs.
CREATE INDEX "Case_queue_priority_idx" ON "Case" (
  "merchantId",
  (COALESCE("disputeDeadline", "createdAt" + interval '24 hours') - LEAST("requestedAmountFen", 720000) * interval '60 milliseconds'),
  id
) INCLUDE (status, kind, "routeReasons")
WHERE status IN ('REVIEW', 'ESCALATED');
