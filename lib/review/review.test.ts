import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { claimJobs, completeJob } from "../jobs/queue";
import { drainOnce } from "../jobs/worker";
import { createTestDb, type TestDb } from "../testing/db";
import { makeCase, workflowHarness, type WorkflowHarness } from "../testing/workflow";
import { claimNext, laneCounts, listQueue } from "./queries";
import { decisionInput, feedbackInput } from "./schemas";
import { bulkDecide, claimCase, decideCase, releaseCase, reopenDispute, retryRefund, submitFeedback } from "./service";

const M = "m-review";

describe("review queue", () => {
  let t: TestDb;
  let h: WorkflowHarness;
  let alice: string;
  let bob: string;
  beforeAll(async () => {
    t = await createTestDb();
    h = await workflowHarness(t);
    await t.prisma.merchant.create({ data: { id: M, name: "Review Co" } });
    alice = (await t.prisma.user.create({ data: { email: "alice@x.test", name: "Alice", passwordHash: "x" } })).id;
    bob = (await t.prisma.user.create({ data: { email: "bob@x.test", name: "Bob", passwordHash: "x" } })).id;
  });
  afterAll(async () => {
    await h.close();
    await t.dispose();
  });

  const decide = (userId: string, input: Parameters<typeof decisionInput.parse>[0]) => decideCase(t.prisma, M, userId, decisionInput.parse(input));

  it("counts lanes and orders by due time weighted by amount", async () => {
    const old = new Date(Date.now() - 20 * 3_600_000);
    const small = await makeCase(t, h, { merchantId: M, status: "REVIEW", paidAmountFen: 1_000, createdAt: old });
    const big = await makeCase(t, h, { merchantId: M, status: "REVIEW", paidAmountFen: 500_000, createdAt: new Date(old.getTime() + 3_600_000) });
    const dispute = await makeCase(t, h, { merchantId: M, kind: "DISPUTE", status: "REVIEW" });
    await t.prisma.case.update({ where: { id: dispute.id }, data: { disputeDeadline: new Date(Date.now() - 5 * 3_600_000) } });
    const counts = await laneCounts(t.prisma, M);
    expect(counts.ai_review).toBe(3);
    expect(counts.disputes_due).toBe(1);
    expect(counts.escalated).toBe(0);
    const rows = await listQueue(t.prisma, M, {});
    // overdue dispute first; the big refund (arrived an hour later) outranks the small one
    expect(rows.map((r) => r.id)).toEqual([dispute.id, big.id, small.id]);
    expect(await listQueue(t.prisma, M, { lane: "disputes_due" })).toHaveLength(1);
    expect(await listQueue(t.prisma, M, { minAmount: 100_000 })).toHaveLength(1);
    expect(await listQueue(t.prisma, "m-other", {})).toHaveLength(0);
    for (const r of rows) await t.prisma.case.update({ where: { id: r.id }, data: { status: "CLOSED" } });
  });

  it("lets one agent hold a case; the other sees who holds it; next skips held cases", async () => {
    const a = await makeCase(t, h, { merchantId: M, status: "REVIEW" });
    const b = await makeCase(t, h, { merchantId: M, status: "REVIEW" });
    expect(await claimCase(t.prisma, M, a.id, alice)).toMatchObject({ ok: true });
    expect(await claimCase(t.prisma, M, a.id, bob)).toMatchObject({ ok: false, heldBy: "Alice" });
    expect(await claimNext(t.prisma, M, bob)).toBe(b.id);
    expect(await claimNext(t.prisma, M, alice)).toBeNull();
    // an expired claim is free again
    expect(await claimCase(t.prisma, M, a.id, bob, new Date(Date.now() + 16 * 60_000))).toMatchObject({ ok: true });
    await releaseCase(t.prisma, M, a.id, bob);
    await releaseCase(t.prisma, M, b.id, bob);
    expect((await listQueue(t.prisma, M, {})).every((r) => r.claimedById === null)).toBe(true);
    for (const c of [a, b]) await t.prisma.case.update({ where: { id: c.id }, data: { status: "CLOSED" } });
  });

  it("refuses a decision on a case another agent holds", async () => {
    const c = await makeCase(t, h, { merchantId: M, status: "REVIEW" });
    await claimCase(t.prisma, M, c.id, alice);
    await expect(decide(bob, { caseId: c.id, version: c.version, action: "reject", reasonCode: "REJECT_NO_EVIDENCE" })).rejects.toThrow(/Another agent/);
    await t.prisma.case.update({ where: { id: c.id }, data: { status: "CLOSED" } });
  });

  it("20 parallel approvals of one case: one wins, one refund reaches the sandbox", async () => {
    const c = await makeCase(t, h, { merchantId: M, status: "REVIEW", paidAmountFen: 6_600 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => decide(i % 2 ? alice : bob, { caseId: c.id, version: c.version, action: "approve", reasonCode: "APPROVE_VALID_CLAIM" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as AppError).kind).toBe("conflict");
    expect(await t.prisma.job.count({ where: { caseId: c.id, kind: "execute_refund" } })).toBe(1);
    while ((await drainOnce(h.deps, "w1")) > 0);
    const after = await t.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.status).toBe("REFUNDED");
    expect(h.sandbox.state().trades.find((x) => x.out_trade_no === c.outTradeNo)!.refunds).toHaveLength(1);
    expect(await t.prisma.auditEvent.count({ where: { targetId: c.id, action: "case.approved" } })).toBe(1);
  });

  it("checks a partial refund against what is refundable, changing nothing when wrong", async () => {
    const c = await makeCase(t, h, { merchantId: M, status: "REVIEW", paidAmountFen: 5_000 });
    await expect(decide(alice, { caseId: c.id, version: c.version, action: "partial", reasonCode: "PARTIAL_DAMAGED", amount: "50.01" })).rejects.toThrow(/between 0.01 and 50.00/);
    expect((await t.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("REVIEW");
    expect(() => decisionInput.parse({ caseId: c.id, version: 0, action: "partial", reasonCode: "PARTIAL_DAMAGED", amount: "1.234" })).toThrow(/at most 2 decimals/);
    expect(() => decisionInput.parse({ caseId: c.id, version: 0, action: "approve", reasonCode: "REJECT_NO_EVIDENCE" })).toThrow(/Not a reason for approve/);
    await claimCase(t.prisma, M, c.id, alice, new Date(Date.now() - 90_000));
    await claimCase(t.prisma, M, c.id, alice); // a renewal keeps the first claim time
    await decide(alice, { caseId: c.id, version: c.version, action: "partial", reasonCode: "PARTIAL_DAMAGED", amount: "12.30", note: "box dented" });
    expect((await t.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).handlingMs).toBeGreaterThanOrEqual(90_000);
    while ((await drainOnce(h.deps, "w1")) > 0);
    const after = await t.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(after).toMatchObject({ status: "REFUNDED", refundedAmountFen: 1_230, decisionNote: "box dented" });
  });

  it("escalates, then a decision from the escalated lane; bulk reject reports each case", async () => {
    const c = await makeCase(t, h, { merchantId: M, status: "REVIEW" });
    await decide(alice, { caseId: c.id, version: c.version, action: "escalate", reasonCode: "ESCALATE_FRAUD_REVIEW" });
    expect((await laneCounts(t.prisma, M)).escalated).toBe(1);
    const d = await makeCase(t, h, { merchantId: M, status: "REVIEW" });
    const results = await bulkDecide(t.prisma, M, bob, { caseIds: [c.id, d.id], action: "reject", reasonCode: "REJECT_OUTSIDE_POLICY" });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await t.prisma.case.count({ where: { id: { in: [c.id, d.id] }, status: "REJECTED" } })).toBe(2);
    await expect(bulkDecide(t.prisma, "m-other", bob, { caseIds: [c.id], action: "reject", reasonCode: "REJECT_OUTSIDE_POLICY" })).rejects.toThrow(/do not exist/);
  });

  it("retries a failed refund with the same out_request_no", async () => {
    const c = await makeCase(t, h, { merchantId: M, status: "REVIEW", paidAmountFen: 2_000 });
    await decide(alice, { caseId: c.id, version: c.version, action: "approve", reasonCode: "APPROVE_VALID_CLAIM" });
    h.sandbox.setFaults([{ kind: "error_200", path: "/v3/alipay/trade/refund", code: "ACQ.SELLER_BALANCE_NOT_ENOUGH", count: 1 }]);
    while ((await drainOnce(h.deps, "w1")) > 0);
    expect((await t.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("FAILED");
    // The failed lane shows it with Alipay's error, apart from the open lanes; "next" in that lane claims it.
    expect((await laneCounts(t.prisma, M)).failed).toBe(1);
    const [row] = await listQueue(t.prisma, M, { lane: "failed" });
    expect(row).toMatchObject({ id: c.id, status: "FAILED" });
    expect(row!.lastError).toMatch(/SELLER_BALANCE_NOT_ENOUGH/);
    expect((await listQueue(t.prisma, M, {})).map((r) => r.id)).not.toContain(c.id);
    expect(await claimNext(t.prisma, M, bob, {})).not.toBe(c.id);
    expect(await claimNext(t.prisma, M, alice, { lane: "failed" })).toBe(c.id);
    await retryRefund(t.prisma, M, c.id, alice);
    while ((await drainOnce(h.deps, "w1")) > 0);
    const after = await t.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.status).toBe("REFUNDED");
    expect((await laneCounts(t.prisma, M)).failed).toBe(0);
    const trade = h.sandbox.state().trades.find((x) => x.out_trade_no === c.outTradeNo)!;
    expect(trade.refunds.map((r) => r.out_request_no)).toEqual([c.outRequestNo]);
  });

  it("reopens a dispute reply Alipay refused, with the reply as the draft, and sends the corrected one once", async () => {
    const c = await makeCase(t, h, { merchantId: M, kind: "DISPUTE", status: "REVIEW" });
    const complaint = h.sandbox.createComplaint({ out_trade_no: c.outTradeNo });
    await t.prisma.case.update({ where: { id: c.id }, data: { complainEventId: complaint.complain_event_id } });
    const reply = (version: number, content: string) => submitFeedback(t.prisma, M, alice, feedbackInput.parse({ caseId: c.id, version, feedbackCode: "02", content }));
    await reply(0, "We refunded you on 1 Dec.");
    h.sandbox.setFaults([{ kind: "error_200", path: "/v3/alipay/merchant/tradecomplain/feedback", code: "INVALID_PARAMETER", count: 1 }]);
    while ((await drainOnce(h.deps, "w1")) > 0);
    const failed = await t.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(failed.status).toBe("FAILED");
    // It waits in the failed lane with Alipay's error, and "next" there claims it.
    const [row] = await listQueue(t.prisma, M, { lane: "failed" });
    expect(row).toMatchObject({ id: c.id, kind: "DISPUTE" });
    expect(row!.lastError).toMatch(/INVALID_PARAMETER/);
    expect(await claimNext(t.prisma, M, bob, { lane: "failed" })).toBe(c.id);

    await expect(reopenDispute(t.prisma, "m-other", c.id, alice)).rejects.toThrow(/Only a failed dispute reply/);
    await reopenDispute(t.prisma, M, c.id, alice);
    const reopened = await t.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    // Back in review, the reply kept as the draft and Alipay's answer beside it.
    // Alice reopened it: she holds it now, not Bob who claimed it from the failed lane.
    expect(reopened).toMatchObject({ status: "REVIEW", feedbackCode: "02", feedbackContent: "We refunded you on 1 Dec.", decidedById: null, version: failed.version + 1, claimedById: alice });
    expect(reopened.lastError).toMatch(/INVALID_PARAMETER/);
    expect((await laneCounts(t.prisma, M)).failed).toBe(0);
    expect((await listQueue(t.prisma, M, { lane: "disputes_due" })).map((r) => r.id)).toContain(c.id);
    await expect(reopenDispute(t.prisma, M, c.id, alice)).rejects.toThrow(/Only a failed dispute reply/);
    const audit = await t.prisma.auditEvent.findFirstOrThrow({ where: { targetId: c.id, action: "dispute.reopened" } });
    expect(audit.before).toMatchObject({ status: "FAILED", lastError: expect.stringMatching(/INVALID_PARAMETER/) });

    await expect(reply(failed.version, "stale")).rejects.toThrow(/changed since you opened it/);
    await reply(reopened.version, "We refunded you in full on 1 Dec.");
    expect((await t.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).lastError).toBeNull();
    while ((await drainOnce(h.deps, "w1")) > 0);
    expect((await t.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("FEEDBACK_SUBMITTED");
    expect(h.sandbox.state().complaints.find((x) => x.complain_event_id === complaint.complain_event_id)!.feedbacks.map((f) => f.feedback_content)).toEqual(["We refunded you in full on 1 Dec."]);
  });

  it("refuses a reopened reply sent again unchanged, as Alipay refused it the first time", async () => {
    const c = await makeCase(t, h, { merchantId: M, kind: "DISPUTE", status: "REVIEW" });
    const complaint = h.sandbox.createComplaint({ out_trade_no: c.outTradeNo });
    await t.prisma.case.update({ where: { id: c.id }, data: { complainEventId: complaint.complain_event_id } });
    const reply = async (content: string) => {
      const { version } = await t.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
      await submitFeedback(t.prisma, M, alice, feedbackInput.parse({ caseId: c.id, version, feedbackCode: "02", content }));
      while ((await drainOnce(h.deps, "w1")) > 0);
      return t.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    };
    const offPlatform = "Hello, add me on WeChat at tea-shop and we will sort out the refund.";
    expect(await reply(offPlatform)).toMatchObject({ status: "FAILED", lastError: expect.stringMatching(/^INVALID_PARAMETER: .*leave Alipay/) });
    await reopenDispute(t.prisma, M, c.id, alice);
    expect(await reply(offPlatform)).toMatchObject({ status: "FAILED" });
    await reopenDispute(t.prisma, M, c.id, alice);
    expect(await reply("We have refunded the full amount to your Alipay balance.")).toMatchObject({ status: "FEEDBACK_SUBMITTED", lastError: null });
    expect(h.sandbox.state().complaints.find((x) => x.complain_event_id === complaint.complain_event_id)!.feedbacks).toHaveLength(1);
  });

  it("gives a dead worker's job to another once its lease expires", async () => {
    const c = await makeCase(t, h, { merchantId: M });
    await t.prisma.job.create({ data: { merchantId: M, kind: "assess", caseId: c.id } });
    // A lease long enough that a loaded machine still asks again within it (50 ms was flaky).
    const [job] = await claimJobs(t.prisma, "dies", 10, 1_500);
    expect(job).toBeDefined();
    expect(await claimJobs(t.prisma, "other", 10)).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 1_600));
    const [again] = await claimJobs(t.prisma, "other", 10);
    expect(again?.id).toBe(job!.id);
    await completeJob(t.prisma, job!, "dies"); // the dead worker's late write changes nothing
    expect((await t.prisma.job.findUniqueOrThrow({ where: { id: job!.id } })).status).toBe("RUNNING");
  });
});
