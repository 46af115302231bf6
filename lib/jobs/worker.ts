import { randomUUID } from "node:crypto";
import { pollComplaints } from "../disputes/intake";
import { abandonCase } from "../workflows/abandon";
import { assessCase } from "../workflows/assess";
import type { StepResult, WorkflowDeps } from "../workflows/deps";
import { executeRefund } from "../workflows/execute";
import { submitDisputeFeedback } from "../workflows/feedback";
import { ThrottledError } from "../alipay/errors";
import { claimJobs, completeJob, deferJob, holdLease, JOB_LEASE_MS, retryJob, type ClaimedJob, type JobKind } from "./queue";
import { log } from "../observability/log";

const HANDLERS: Record<JobKind, (deps: WorkflowDeps, merchantId: string, caseId: string) => Promise<StepResult>> = {
  assess: assessCase,
  execute_refund: executeRefund,
  submit_feedback: submitDisputeFeedback,
};

const THROTTLE_DEFER_MS = 2_000;

export async function runJob(deps: WorkflowDeps, job: ClaimedJob, workerId: string, leaseMs = JOB_LEASE_MS) {
  const release = holdLease(deps.prisma, job, workerId, {
    leaseMs,
    onError: (err) => log.warn("job lease renewal failed", { jobId: job.id, err }),
  });
  try {
    await HANDLERS[job.kind](deps, job.merchantId, job.caseId);
    release();
    await completeJob(deps.prisma, job, workerId);
  } catch (err) {
    release();
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (err instanceof ThrottledError) {
      // Saturated by our own rate limit: try again a few seconds on, spread so the workers do not return together.
      await deferJob(deps.prisma, job, workerId, THROTTLE_DEFER_MS + Math.floor(Math.random() * THROTTLE_DEFER_MS), message);
      return;
    }
    const gaveUp = await retryJob(deps.prisma, job, workerId, message, (tx) => abandonCase(tx, job.kind, job.merchantId, job.caseId, message));
    if (gaveUp) log.error("job failed for good", { jobId: job.id, kind: job.kind, caseId: job.caseId, merchantId: job.merchantId, error: message });
  }
}

/** Runs one batch of due jobs; returns how many it ran. */
export async function drainOnce(deps: WorkflowDeps, workerId: string, concurrency = 4, leaseMs = JOB_LEASE_MS): Promise<number> {
  const jobs = await claimJobs(deps.prisma, workerId, concurrency, leaseMs);
  await Promise.all(jobs.map((job) => runJob(deps, job, workerId, leaseMs)));
  return jobs.length;
}

/** The worker loop: polls while idle, runs `concurrency` jobs at a time, stops on abort. */
export async function runWorker(deps: WorkflowDeps, { signal, concurrency = 4, idleMs = 500, workerId = `w-${randomUUID().slice(0, 8)}` }: { signal: AbortSignal; concurrency?: number; idleMs?: number; workerId?: string }) {
  while (!signal.aborted) {
    let ran = 0;
    try {
      ran = await drainOnce(deps, workerId, concurrency);
    } catch (err) {
      log.error("worker polling failed", { err });
    }
    if (ran === 0) await new Promise((r) => setTimeout(r, idleMs));
  }
}

export const COMPLAINT_POLL_MS = 5 * 60_000;

/**
 * The merchants whose complaints our app can list: the one whose app it is, and those that
 * authorized it to act for them (an app_auth_token). Anyone else's poll would list the app's own
 * merchant's complaints as theirs.
 */
export function pollableMerchants(prisma: WorkflowDeps["prisma"], appId: string) {
  return prisma.merchant.findMany({
    where: { OR: [{ alipayAppId: appId }, { alipayAppId: { not: null }, alipayAppAuthToken: { not: null } }] },
    select: { id: true },
    orderBy: { id: "asc" },
  });
}

/** The safety net for lost complaint notifications, for every merchant our app can list complaints for. */
export function startComplaintPolling(s: { deps: WorkflowDeps }, signal: AbortSignal, everyMs = COMPLAINT_POLL_MS) {
  const poll = async () => {
    try {
      for (const m of await pollableMerchants(s.deps.prisma, s.deps.client.appId)) {
        // one merchant's failure (a revoked token) must not keep the others' complaints from coming in
        await pollComplaints(s.deps.prisma, s.deps.client, m.id).catch((err: unknown) => log.error("complaint poll failed", { merchantId: m.id, err }));
      }
    } catch (err) {
      log.error("complaint poll failed", { err });
    }
  };
  const timer = setInterval(poll, everyMs);
  signal.addEventListener("abort", () => clearInterval(timer));
}
