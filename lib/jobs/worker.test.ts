import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainAll } from "../reliability/fault-matrix";
import { createTestDb, type TestDb } from "../testing/db";
import {
  makeCase,
  workflowHarness,
  type WorkflowHarness,
} from "../testing/workflow";
import { createAlipayClient } from "../alipay/client";
import { prismaLedger } from "../alipay/ledger";
import { abortableSleep } from "../alipay/rate-limit";
import { testKeys, TEST_APP_ID } from "../sandbox/test-helpers";
import { claimJobs, MAX_JOB_ATTEMPTS, retryJob } from "./queue";
import { drainOnce } from "./worker";

describe("a job that stops retrying", () => {
  let t: TestDb;
  let h: WorkflowHarness;
  beforeAll(async () => {
    t = await createTestDb();
    h = await workflowHarness(t);
  });
  afterAll(async () => {
    await h.close();
    await t.dispose();
  });

  it("leaves its refund FAILED with the reason for a person, not EXECUTING where nobody looks, and a retry pays once", async () => {
    const c = await makeCase(t, h, {
      status: "APPROVED",
      paidAmountFen: 2_500,
      approvedAmountFen: 2_500,
    });
    await t.prisma.job.create({
      data: { merchantId: c.merchantId, kind: "execute_refund", caseId: c.id },
    });
    // Alipay makes the refund, but neither its answer nor any query's answer ever arrives.
    h.sandbox.setFaults([
      { kind: "drop", path: "/v3/alipay/trade/", phase: "after" },
    ]);
    try {
      await drainAll(h.deps);
    } finally {
      h.sandbox.clearFaults();
    }
    const job = await t.prisma.job.findFirstOrThrow({
      where: { caseId: c.id },
    });
    expect(job.status).toBe("FAILED");
    expect(job.attempts).toBe(MAX_JOB_ATTEMPTS);
    const after = await t.prisma.case.findUniqueOrThrow({
      where: { id: c.id },
    });
    expect(after.status).toBe("FAILED");
    expect(after.lastError).toContain("UnknownOutcomeError");
    expect(
      await t.prisma.auditEvent.count({
        where: { targetId: c.id, action: "refund.failed" },
      }),
    ).toBe(1);

    // The person's retry is the same out_request_no: the refund Alipay already made is confirmed, not repeated.
    await t.prisma.case.update({
      where: { id: c.id },
      data: { status: "APPROVED" },
    });
    await t.prisma.job.update({
      where: { id: job.id },
      data: { status: "QUEUED", attempts: 0, runAt: new Date() },
    });
    await drainAll(h.deps);
    expect(
      (await t.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).status,
    ).toBe("REFUNDED");
    expect(
      h.sandbox.state().trades.find((x) => x.out_trade_no === c.outTradeNo)!
        .refunds,
    ).toHaveLength(1);
  });

  it("is not given up by a worker that lost its lease", async () => {
    const c = await makeCase(t, h, {
      status: "APPROVED",
      paidAmountFen: 1_000,
      approvedAmountFen: 1_000,
    });
    await t.prisma.job.create({
      data: {
        merchantId: c.merchantId,
        kind: "execute_refund",
        caseId: c.id,
        attempts: MAX_JOB_ATTEMPTS - 1,
      },
    });
    const [job] = await claimJobs(t.prisma, "w-old", 1, 0);
    expect(job!.attempts).toBe(MAX_JOB_ATTEMPTS);
    await t.prisma.job.update({
      where: { id: job!.id },
      data: { lockedBy: "w-new" },
    });
    expect(await retryJob(t.prisma, job!, "w-old", "late")).toBe(false);
    expect(
      (await t.prisma.job.findUniqueOrThrow({ where: { id: job!.id } })).status,
    ).toBe("RUNNING");
  });

  it("puts a job back without using an attempt when our own rate limiter has no token, and decides nothing", async () => {
    const c = await makeCase(t, h);
    const job = await t.prisma.job.create({ data: { merchantId: c.merchantId, kind: "assess", caseId: c.id } });
    // A client whose limiter never grants within its wait: the saturation of many workers on one app id.
    const starved = {
      ...h.deps,
      client: createAlipayClient({
        baseUrl: h.sandbox.url,
        appId: TEST_APP_ID,
        appPrivateKey: testKeys().app.privateKey,
        alipayPublicKey: testKeys().alipay.publicKey,
        limiterWaitMs: 50,
        rateLimiter: { acquire: (_app, signal) => abortableSleep(60_000, signal) },
        ledger: prismaLedger(t.prisma),
      }),
    };
    const aiCalls = () => h.sandbox.state().requests.total;
    const before = aiCalls();
    await drainOnce(starved, "w-starved", 8);
    const back = await t.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(back).toMatchObject({ status: "QUEUED", attempts: 0 });
    expect(back.lastError).toMatch(/^ThrottledError/);
    expect(back.runAt.getTime()).toBeGreaterThan(Date.now());
    expect(await t.prisma.aiDecision.count({ where: { caseId: c.id } })).toBe(0);
    expect((await t.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).status).not.toBe("REVIEW");
    expect(aiCalls()).toBe(before);

    // Once tokens flow again, the case is assessed with the AI, not routed as "AI unavailable".
    await t.prisma.job.update({ where: { id: job.id }, data: { runAt: new Date() } });
    await drainAll(h.deps);
    const decision = await t.prisma.aiDecision.findFirstOrThrow({ where: { caseId: c.id } });
    expect(decision.failure).toBeNull();
    expect(decision.riskScore).not.toBeNull();
  });
});
