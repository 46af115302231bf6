import { Prisma, type PrismaClient } from "../generated/prisma/client";

export type JobKind = "assess" | "execute_refund" | "submit_feedback";

export interface ClaimedJob {
  id: string;
  merchantId: string;
  kind: JobKind;
  caseId: string;
  attempts: number;
}

export const JOB_LEASE_MS = 60_000;
export const MAX_JOB_ATTEMPTS = 8;
/** How long a live worker may keep one job by renewing its lease; after that another may take it. */
export const JOB_MAX_HOLD_MS = 10 * 60_000;

/**
 * Takes up to `limit` runnable jobs, oldest `runAt` first: queued ones that are due, and running
 * ones whose worker's lease expired (it died mid-job). SKIP LOCKED lets any number of workers
 * share the table. Each kind is its own walk of ("status", "runAt") that stops after `limit`
 * rows; one OR over both made PostgreSQL collect and sort every due job on each claim
 * (docs/benchmarks/explain.md). The rows a walk locked and the final LIMIT leaves out are freed
 * when the statement ends.
 */
export async function claimJobs(prisma: PrismaClient, workerId: string, limit: number, leaseMs = JOB_LEASE_MS): Promise<ClaimedJob[]> {
  return prisma.$queryRaw<ClaimedJob[]>(claimStatement(workerId, limit, leaseMs));
}

/** The claim's one statement (exported so its plan can be checked). */
export function claimStatement(workerId: string, limit: number, leaseMs = JOB_LEASE_MS): Prisma.Sql {
  return Prisma.sql`
    WITH queued AS (
      SELECT id, "runAt" FROM "Job" WHERE status = 'QUEUED' AND "runAt" <= now()
      ORDER BY "runAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ), expired AS (
      SELECT id, "runAt" FROM "Job" WHERE status = 'RUNNING' AND "leaseUntil" < now()
      ORDER BY "runAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED
    )
    UPDATE "Job" SET status = 'RUNNING', "lockedBy" = ${workerId}, attempts = attempts + 1,
      "leaseUntil" = now() + make_interval(secs => ${leaseMs / 1000}), "updatedAt" = now()
    WHERE id IN (SELECT id FROM (SELECT * FROM queued UNION ALL SELECT * FROM expired) due ORDER BY "runAt" LIMIT ${limit})
    RETURNING id, "merchantId", kind, "caseId", attempts`;
}

/**
 * Renews a running job's lease every third of it while its worker is alive, so a job that waits
 * long for rate-limit tokens is not taken over by a second worker mid-run (the calls would be
 * spent twice). A dead worker stops renewing and its job is taken over one lease later, as
 * before; a live one keeps a job at most `maxHoldMs`, so a hung handler cannot hold it forever.
 * Renewal stops when the lease is no longer this worker's. Returns the function that stops it.
 */
export function holdLease(
  prisma: PrismaClient,
  job: ClaimedJob,
  workerId: string,
  { leaseMs = JOB_LEASE_MS, maxHoldMs = JOB_MAX_HOLD_MS, onError }: { leaseMs?: number; maxHoldMs?: number; onError?: (err: unknown) => void } = {},
): () => void {
  const until = Date.now() + maxHoldMs;
  let stopped = false;
  const timer = setInterval(async () => {
    const ms = Math.min(leaseMs, until - Date.now());
    if (ms <= 0) return stop();
    try {
      const renewed = await prisma.$executeRaw`
        UPDATE "Job" SET "leaseUntil" = now() + make_interval(secs => ${ms / 1000}), "updatedAt" = now()
         WHERE id = ${job.id} AND "lockedBy" = ${workerId} AND status = 'RUNNING'`;
      if (renewed === 0) stop();
    } catch (err) {
      onError?.(err); // the next tick tries again; the lease still has two thirds left
    }
  }, Math.max(1, Math.floor(leaseMs / 3)));
  timer.unref?.();
  function stop() {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
  }
  return stop;
}

/** Only the lease holder may finish a job: a worker that lost its lease must not overwrite. */
export async function completeJob(prisma: PrismaClient, job: ClaimedJob, workerId: string) {
  await prisma.job.updateMany({ where: { id: job.id, lockedBy: workerId, status: "RUNNING" }, data: { status: "DONE", leaseUntil: null } });
}

/**
 * Puts a job back for later without counting the attempt: it could not start (our own rate
 * limiter had no token), which says nothing about whether the work can succeed.
 */
export async function deferJob(prisma: PrismaClient, job: ClaimedJob, workerId: string, delayMs: number, reason: string) {
  await prisma.job.updateMany({
    where: { id: job.id, lockedBy: workerId, status: "RUNNING" },
    data: { status: "QUEUED", attempts: { decrement: 1 }, lastError: reason.slice(0, 500), leaseUntil: null, runAt: new Date(Date.now() + delayMs) },
  });
}

/**
 * Backs off for another attempt, or gives up after MAX_JOB_ATTEMPTS (returns true). Giving up and
 * `onGiveUp` (leaving the case where a person sees it) are one transaction: if it fails, the lease
 * runs out and the next holder gives up again. A worker that lost its lease changes nothing.
 */
export async function retryJob(prisma: PrismaClient, job: ClaimedJob, workerId: string, error: string, onGiveUp?: (tx: Prisma.TransactionClient) => Promise<unknown>) {
  const held = { id: job.id, lockedBy: workerId, status: "RUNNING" as const };
  if (job.attempts < MAX_JOB_ATTEMPTS) {
    const backoffMs = Math.min(5 * 60_000, 1_000 * 2 ** job.attempts);
    await prisma.job.updateMany({ where: held, data: { status: "QUEUED", lastError: error.slice(0, 500), leaseUntil: null, runAt: new Date(Date.now() + backoffMs) } });
    return false;
  }
  return prisma.$transaction(async (tx) => {
    const updated = await tx.job.updateMany({ where: held, data: { status: "FAILED", lastError: error.slice(0, 500), leaseUntil: null } });
    if (updated.count === 0) return false;
    if (onGiveUp) await onGiveUp(tx);
    return true;
  });
}
