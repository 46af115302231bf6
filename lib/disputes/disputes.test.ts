import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ComplaintNotification } from "../sandbox/server";
import { testKeys, TEST_APP_ID } from "../sandbox/test-helpers";
import { createTestDb, type TestDb } from "../testing/db";
import { workflowHarness, type WorkflowHarness } from "../testing/workflow";
import { parseAlipayTime, pollComplaints } from "./intake";
import { handleComplaintNotification } from "./notifications";
import { startComplaintPolling } from "../jobs/worker";

const M = "m-disputes";

describe("dispute intake", () => {
  let t: TestDb;
  let h: WorkflowHarness;
  const delivered: ComplaintNotification[] = [];
  const publicKey = () => testKeys().alipay.publicKey;
  const notify = (params: Record<string, string>) => handleComplaintNotification(t.prisma, h.deps.client, publicKey(), params);

  beforeAll(async () => {
    t = await createTestDb();
    h = await workflowHarness(t, { notify: (n) => void delivered.push(n) });
    await t.prisma.merchant.create({ data: { id: M, name: "Disputes Co", alipayAppId: TEST_APP_ID } });
  });
  afterAll(async () => {
    await h.close();
    await t.dispose();
  });

  it("turns a verified notification into one dispute case with an assessment job; repeats are harmless", async () => {
    h.sandbox.createTrade({ out_trade_no: "D-1", total_amount: "88.00" });
    const complaint = h.sandbox.createComplaint({ out_trade_no: "D-1", complain_reason: "未收到货", complain_amount: "88.00" });
    await expect.poll(() => delivered.length).toBeGreaterThan(0);
    const params = delivered.at(-1)!.params;
    expect(await notify(params)).toEqual({ status: 200, body: "success" });
    expect(await notify(params)).toEqual({ status: 200, body: "success" });
    const cases = await t.prisma.case.findMany({ where: { merchantId: M, complainEventId: complaint.complain_event_id } });
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ kind: "DISPUTE", status: "NEW", requestedAmountFen: 8_800, outTradeNo: "D-1" });
    expect(cases[0]!.disputeDeadline!.getTime()).toBeGreaterThan(Date.now());
    expect(await t.prisma.job.count({ where: { caseId: cases[0]!.id, kind: "assess" } })).toBe(1);
    expect(await t.prisma.auditEvent.count({ where: { targetId: cases[0]!.id, action: "dispute.received" } })).toBe(1);
  });

  it("refuses a tampered or unsigned notification and one for an unknown app, writing nothing", async () => {
    const before = await t.prisma.case.count();
    const params = { ...delivered.at(-1)!.params };
    const tampered = { ...params, biz_content: JSON.stringify({ complain_event_id: "CE-forged", status: "MERCHANT_PROCESSING" }) };
    expect(await notify(tampered)).toMatchObject({ status: 400, body: "fail" });
    const { sign: _s, ...unsigned } = params;
    expect(await notify(unsigned)).toMatchObject({ status: 400 });
    await t.prisma.merchant.update({ where: { id: M }, data: { alipayAppId: "2021000000000000" } });
    expect(await notify(params)).toMatchObject({ status: 400, reason: expect.stringContaining("no merchant") });
    await t.prisma.merchant.update({ where: { id: M }, data: { alipayAppId: TEST_APP_ID } });
    expect(await t.prisma.case.count()).toBe(before);
  });

  it("polls for complaints whose notification was lost, once", async () => {
    h.sandbox.createTrade({ out_trade_no: "D-2", total_amount: "12.50" });
    const lost = h.sandbox.createComplaint({ out_trade_no: "D-2", complain_reason: "质量问题" });
    expect(await pollComplaints(t.prisma, h.deps.client, M)).toBe(1);
    expect(await pollComplaints(t.prisma, h.deps.client, M)).toBe(0);
    expect(await t.prisma.case.count({ where: { merchantId: M, complainEventId: lost.complain_event_id } })).toBe(1);
  });

  it("closes an open dispute when Alipay closes the complaint", async () => {
    const c = await t.prisma.case.findFirstOrThrow({ where: { merchantId: M, outTradeNo: "D-2" } });
    h.sandbox.setComplaintStatus(c.complainEventId!, "CANCELLED");
    await expect.poll(() => delivered.filter((d) => d.complainEventId === c.complainEventId && d.status === "CANCELLED").length).toBe(1);
    await notify(delivered.at(-1)!.params);
    expect((await t.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).status).toBe("CLOSED");
  });

  it("keeps the complaints of a merchant our app acts for (app_auth_token) apart from the app's own merchant's", async () => {
    const G = "m-disputes-authorized";
    const token = h.sandbox.authorize("2021000000000321");
    await t.prisma.merchant.create({ data: { id: G, name: "Authorized Co", alipayAppId: "2021000000000321", alipayAppAuthToken: token } });
    h.sandbox.createTrade({ out_trade_no: "G-1", total_amount: "30.00", auth_app_id: "2021000000000321" });
    const theirs = h.sandbox.createComplaint({ out_trade_no: "G-1", auth_app_id: "2021000000000321" });
    h.sandbox.createTrade({ out_trade_no: "D-3", total_amount: "40.00" });
    const ours = h.sandbox.createComplaint({ out_trade_no: "D-3" });

    expect(await pollComplaints(t.prisma, h.deps.client, M)).toBe(1);
    expect(await pollComplaints(t.prisma, h.deps.client, G)).toBe(1);
    const owner = async (id: string) => (await t.prisma.case.findMany({ where: { complainEventId: id }, select: { merchantId: true } })).map((c) => c.merchantId);
    expect(await owner(ours.complain_event_id)).toEqual([M]);
    expect(await owner(theirs.complain_event_id)).toEqual([G]);

    // The notification names the merchant's app in auth_app_id: it lands with that merchant, once.
    const note = await vi.waitFor(() => {
      const found = delivered.find((d) => d.complainEventId === theirs.complain_event_id);
      if (!found) throw new Error("not yet notified");
      return found;
    });
    expect(note.params.auth_app_id).toBe("2021000000000321");
    expect(await notify(note.params)).toEqual({ status: 200, body: "success" });
    expect(await owner(theirs.complain_event_id)).toEqual([G]);

    // Replies go out for the merchant the case belongs to, and only its own complaint takes one.
    const reply = { complain_event_id: theirs.complain_event_id, feedback_code: "04" as const, feedback_content: "已处理" };
    await expect(h.deps.client.complaintFeedback(reply, { merchantId: M })).rejects.toMatchObject({ code: "COMPLAIN_EVENT_NOT_EXIST" });
    expect((await h.deps.client.complaintFeedback(reply, { merchantId: G })).data.status).toBe("MERCHANT_FEEDBACKED");
  });

  it("takes no notification for a merchant app that has not authorized ours, and one merchant's failed poll does not stop the others'", async () => {
    const before = await t.prisma.case.count();
    // A merchant app whose authorization was revoked: the notification (signed by Alipay) is refused.
    await t.prisma.merchant.create({ data: { id: "m-disputes-revoked", name: "Revoked Co", alipayAppId: "2021000000000654" } });
    h.sandbox.authorize("2021000000000654");
    h.sandbox.createTrade({ out_trade_no: "R-1", total_amount: "9.00", auth_app_id: "2021000000000654" });
    const revoked = h.sandbox.createComplaint({ out_trade_no: "R-1", auth_app_id: "2021000000000654" });
    const note = await vi.waitFor(() => {
      const found = delivered.find((d) => d.complainEventId === revoked.complain_event_id);
      if (!found) throw new Error("not yet notified");
      return found;
    });
    expect(await notify(note.params)).toMatchObject({ status: 400, reason: expect.stringContaining("has not authorized") });
    expect(await t.prisma.case.count()).toBe(before);

    // A token Alipay no longer honours (401 invalid-auth-token) for the first merchant polled.
    await t.prisma.merchant.create({ data: { id: "m-a-stale-token", name: "Stale Co", alipayAppId: "2021000000000655", alipayAppAuthToken: "2021000000000655gone" } });
    h.sandbox.createTrade({ out_trade_no: "D-4", total_amount: "15.00" });
    const ours = h.sandbox.createComplaint({ out_trade_no: "D-4" });
    const stop = new AbortController();
    startComplaintPolling({ deps: h.deps }, stop.signal, 300);
    try {
      await expect.poll(() => t.prisma.case.count({ where: { merchantId: M, complainEventId: ours.complain_event_id } }), { timeout: 10_000 }).toBe(1);
    } finally {
      stop.abort();
      await new Promise((r) => setTimeout(r, 1_000)); // a poll already running finishes
    }
    expect(await t.prisma.case.count({ where: { merchantId: { in: ["m-a-stale-token", "m-disputes-revoked"] } } })).toBe(0);
  });

  it("reads Alipay's GMT+8 times", () => {
    expect(parseAlipayTime("2026-11-22 08:00:00")!.toISOString()).toBe("2026-11-22T00:00:00.000Z");
    expect(parseAlipayTime("yesterday")).toBeNull();
  });
});
