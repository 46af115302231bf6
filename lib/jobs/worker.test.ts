import { describe, expect, it } from "vitest";
import { drainAll } from "../reliability/fault-matrix";
import { useWorkflowHarness } from "../testing/use-workflow-harness";
import { makeCase } from "../testing/workflow";
import { createAlipayClient } from "../alipay/client";
import { prismaLedger } from "../alipay/ledger";
import { abortableSleep, type RateLimiter } from "../alipay/rate-limit";
import { testKeys, TEST_APP_ID } from "../sandbox/test-helpers";
import { claimJobs, MAX_JOB_ATTEMPTS, retryJob } from "./queue";
import { drainOnce } from "./worker";

describe("a job that stops retrying", () => {
  const env = useWorkflowHarness();
  /** The harness's dependencies with a client whose rate limiter is the given one. */
  const withLimiter = (rateLimiter: RateLimiter, limiterWaitMs?: number) => ({
    ...env.h.deps,
    client: createAlipayClient({
      baseUrl: env.h.sandbox.url,
      appId: TEST_APP_ID,
      appPrivateKey: testKeys().app.privateKey,
      alipayPublicKey: testKeys().alipay.publicKey,
      limiterWaitMs,
      rateLimiter,
      ledger: prismaLedger(env.t.prisma),
    }),
  });

  it("leaves its refund FAILED with the reason for a person, not EXECUTING where nobody looks, and a retry pays once", async () => {
    const c = await makeCase(env.t, env.h, {
      status: "APPROVED",
      paidAmountFen: 2_500,
      approvedAmountFen: 2_500,
    });
    await env.t.prisma.job.create({
      data: { merchantId: c.merchantId, kind: "execute_refund", caseId: c.id },
    });
    // Alipay makes the refund, but neither its answer nor any query's answer ever arrives.
    env.h.sandbox.setFaults([
      { kind: "drop", path: "/v3/alipay/trade/", phase: "after" },
    ]);
    try {
      await drainAll(env.h.deps);
    } finally {
      env.h.sandbox.clearFaults();
    }
    const job = await env.t.prisma.job.findFirstOrThrow({
      where: { caseId: c.id },
    });
    expect(job.status).toBe("FAILED");
    expect(job.attempts).toBe(MAX_JOB_ATTEMPTS);
    const after = await env.t.prisma.case.findUniqueOrThrow({
      where: { id: c.id },
    });
    expect(after.status).toBe("FAILED");
    expect(after.lastError).toContain("UnknownOutcomeError");
    expect(
      await env.t.prisma.auditEvent.count({
        where: { targetId: c.id, action: "refund.failed" },
      }),
    ).toBe(1);

    // The person's retry is the same out_request_no: the refund Alipay already made is confirmed, not repeated.
    await env.t.prisma.case.update({
      where: { id: c.id },
      data: { status: "APPROVED" },
    });
    await env.t.prisma.job.update({
      where: { id: job.id },
      data: { status: "QUEUED", attempts: 0, runAt: new Date() },
    });
    await drainAll(env.h.deps);
    expect(
      (await env.t.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).status,
    ).toBe("REFUNDED");
    expect(
      env.h.sandbox.state().trades.find((x) => x.out_trade_no === c.outTradeNo)!
        .refunds,
    ).toHaveLength(1);
  });

  it("is not given up by a worker that lost its lease", async () => {
    const c = await makeCase(env.t, env.h, {
      status: "APPROVED",
      paidAmountFen: 1_000,
      approvedAmountFen: 1_000,
    });
    await env.t.prisma.job.create({
      data: {
        merchantId: c.merchantId,
        kind: "execute_refund",
        caseId: c.id,
        attempts: MAX_JOB_ATTEMPTS - 1,
      },
    });
    const [job] = await claimJobs(env.t.prisma, "w-old", 1, 0);
    expect(job!.attempts).toBe(MAX_JOB_ATTEMPTS);
    await env.t.prisma.job.update({
      where: { id: job!.id },
      data: { lockedBy: "w-new" },
    });
    expect(await retryJob(env.t.prisma, job!, "w-old", "late")).toBe(false);
    expect(
      (await env.t.prisma.job.findUniqueOrThrow({ where: { id: job!.id } })).status,
    ).toBe("RUNNING");
  });

  it("puts a job back without using an attempt when our own rate limiter has no token, and decides nothing", async () => {
    const c = await makeCase(env.t, env.h);
    const job = await env.t.prisma.job.create({ data: { merchantId: c.merchantId, kind: "assess", caseId: c.id } });
    // A client whose limiter never grants within its wait: the saturation of many workers on one app id.
    const starved = withLimiter({ acquire: (_app, signal) => abortableSleep(60_000, signal) }, 50);
    const aiCalls = () => env.h.sandbox.state().requests.total;
    const before = aiCalls();
    await drainOnce(starved, "w-starved", 8);
    const back = await env.t.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(back).toMatchObject({ status: "QUEUED", attempts: 0 });
    expect(back.lastError).toMatch(/^ThrottledError/);
    expect(back.runAt.getTime()).toBeGreaterThan(Date.now());
    expect(await env.t.prisma.aiDecision.count({ where: { caseId: c.id } })).toBe(0);
    expect((await env.t.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).status).not.toBe("REVIEW");
    expect(aiCalls()).toBe(before);

    // Once tokens flow again, the case is assessed with the AI, not routed as "AI unavailable".
    await env.t.prisma.job.update({ where: { id: job.id }, data: { runAt: new Date() } });
    await drainAll(env.h.deps);
    const decision = await env.t.prisma.aiDecision.findFirstOrThrow({ where: { caseId: c.id } });
    expect(decision.failure).toBeNull();
    expect(decision.riskScore).not.toBeNull();
  });

  it("keeps the lease of a job that waits longer than the lease for tokens, so no second worker assesses it too", async () => {
    // Only this test's job is runnable (earlier tests leave a taken-over lease behind).
    await env.t.prisma.job.updateMany({ where: { status: { in: ["QUEUED", "RUNNING"] } }, data: { status: "DONE" } });
    const c = await makeCase(env.t, env.h);
    const job = await env.t.prisma.job.create({ data: { merchantId: c.merchantId, kind: "assess", caseId: c.id } });
    const LEASE = 3_000; // a renewal due every second: a loaded CI machine still makes it
    // Every token takes a lease and a half to come: a saturated app id with many workers.
    const slow = withLimiter({ acquire: (_app, signal) => abortableSleep(LEASE * 1.5, signal) });
    const taken: string[] = [];
    let running = true;
    const slowRun = drainOnce(slow, "w-slow", 1, LEASE).finally(() => (running = false));
    // The second worker starts once the first holds the job: racing it for the first claim would test the claim, not the lease.
    while (running && (await env.t.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).lockedBy !== "w-slow") {
      await new Promise((r) => setTimeout(r, 20));
    }
    while (running) {
      for (const j of await claimJobs(env.t.prisma, "w-other", 1, LEASE)) taken.push(j.id);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await slowRun).toBe(1);
    expect(taken).toEqual([]);
    expect(await env.t.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "DONE", attempts: 1 });
    expect(await env.t.prisma.aiDecision.count({ where: { caseId: c.id } })).toBe(1);
  });
});
