import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCases } from "../cases/queries";
import { pollComplaints } from "../disputes/intake";
import { pollableMerchants } from "../jobs/worker";
import { registerOpenTrades } from "../runtime/services";
import { DEMO_AUTHORIZATION } from "../sandbox/config";
import { TEST_APP_ID } from "../sandbox/test-helpers";
import { workflowHarness } from "../testing/workflow";
import { createTestDb, type TestDb } from "../testing/db";
import { MODEL_AFTER, MODEL_BEFORE, seedDemo, type SeedSummary } from "./seed";

describe("seedDemo", () => {
  let t: TestDb;
  let summary: SeedSummary | null;
  const now = new Date("2026-11-20T08:00:00Z");
  beforeAll(async () => {
    t = await createTestDb();
    summary = await seedDemo(t.prisma, { reasoningKey: randomBytes(32), now, casesPerMerchant: 600 });
  });
  afterAll(() => t.dispose());

  it("creates two merchants with a user per role each, and cases with decisions, ledger and audit rows", async () => {
    expect(summary).toMatchObject({ merchants: 2 });
    expect(summary!.cases).toBeGreaterThanOrEqual(1_200); // plus disputes that came back on approved trades
    expect(await t.prisma.membership.count()).toBe(10);
    expect(await t.prisma.aiDecision.count()).toBe(1_200);
    expect(await t.prisma.apiCall.count()).toBeGreaterThan(1_200);
    expect(await t.prisma.auditEvent.count()).toBeGreaterThan(2_400);
  });

  it("routes around 15% to review and leaves work open", () => {
    expect(summary!.reviewShare).toBeGreaterThan(0.1);
    expect(summary!.reviewShare).toBeLessThan(0.22);
    expect(summary!.open).toBeGreaterThan(0);
  });

  it("leaves refunds and dispute replies that Alipay refused in the failed lane, ready to retry or reopen", async () => {
    const failed = await t.prisma.case.findMany({ where: { status: "FAILED" } });
    expect(failed.length).toBe(summary!.failed);
    const refunds = failed.filter((c) => c.kind === "REFUND");
    const replies = failed.filter((c) => c.kind === "DISPUTE");
    expect(refunds.length).toBeGreaterThan(0);
    expect(replies.length).toBeGreaterThan(0);
    for (const c of refunds) {
      expect(c).toMatchObject({ approvedAmountFen: c.requestedAmountFen, refundedAmountFen: 0 });
      expect(c.lastError).toMatch(/^ACQ\./);
    }
    for (const c of replies) {
      expect(c).toMatchObject({ feedbackCode: "02", refundedAmountFen: 0 });
      expect(c.feedbackContent).toBeTruthy();
      expect(c.lastError).toMatch(/^INVALID_PARAMETER/);
    }
  });

  it("shifts the score distribution and the model in the last two weeks", async () => {
    const rows = await t.runner.query<{ model: string; avg: string }>(
      `SELECT "modelVersion" AS model, avg("riskScore")::text AS avg FROM "AiDecision" WHERE "riskScore" IS NOT NULL GROUP BY 1`,
    );
    const avg = Object.fromEntries(rows.map((r) => [r.model, Number(r.avg)]));
    expect(avg[MODEL_AFTER]! - avg[MODEL_BEFORE]!).toBeGreaterThan(0.04);
  });

  it("keeps money exact: refunded never exceeds paid, amounts are integers", async () => {
    const bad = await t.prisma.case.count({ where: { refundedAmountFen: { gt: t.prisma.case.fields.paidAmountFen } } });
    expect(bad).toBe(0);
  });

  it("is deterministic and does not seed twice", async () => {
    expect(await seedDemo(t.prisma, { reasoningKey: randomBytes(32), now })).toBeNull();
    const other = await createTestDb();
    try {
      await seedDemo(other.prisma, { reasoningKey: randomBytes(32), now, casesPerMerchant: 100 });
      const pick = (p: TestDb["prisma"]) => p.case.findMany({ orderBy: { id: "asc" }, take: 20, select: { id: true, requestedAmountFen: true, status: true, route: true } });
      expect(await pick(other.prisma)).toEqual(await pick(t.prisma));
    } finally {
      await other.dispose();
    }
  });

  it("gives each merchant its own account at Alipay: polling one never brings in the other's disputes, and replies go out for their own merchant", async () => {
    const h = await workflowHarness(t);
    try {
      // The harness's app stands for the demo's one app, the tea house's own; the gadget shop authorized it.
      await t.prisma.merchant.update({ where: { id: "m-teahouse" }, data: { alipayAppId: TEST_APP_ID } });
      const gadgets = await t.prisma.merchant.findUniqueOrThrow({ where: { id: "m-gadgets" } });
      expect(gadgets.alipayAppAuthToken).toBe(DEMO_AUTHORIZATION.token);
      h.sandbox.authorize(DEMO_AUTHORIZATION.authAppId, DEMO_AUTHORIZATION.token); // as the demo's sandbox does at start
      await registerOpenTrades({ deps: h.deps, client: h.deps.client, sandbox: h.sandbox, alipayPublicKey: "" });
      const open = await t.prisma.case.findMany({ where: { kind: "DISPUTE", status: { in: ["REVIEW", "ESCALATED", "FAILED"] } } });
      expect(new Set(open.map((c) => c.merchantId))).toEqual(new Set(["m-teahouse", "m-gadgets"]));

      const pollable = (await pollableMerchants(t.prisma, TEST_APP_ID)).map((m) => m.id);
      expect(pollable).toEqual(["m-gadgets", "m-teahouse"]);
      const before = await t.prisma.case.count();
      for (const id of pollable) expect(await pollComplaints(t.prisma, h.deps.client, id)).toBe(0);
      expect(await t.prisma.case.count()).toBe(before);

      const theirs = open.find((c) => c.merchantId === "m-gadgets")!;
      const reply = { complain_event_id: theirs.complainEventId!, feedback_code: "02" as const, feedback_content: "已退款" };
      await expect(h.deps.client.complaintFeedback(reply, { merchantId: "m-teahouse" })).rejects.toMatchObject({ code: "COMPLAIN_EVENT_NOT_EXIST" });
      expect((await h.deps.client.complaintFeedback(reply, { merchantId: "m-gadgets" })).data.status).toBe("MERCHANT_FEEDBACKED");
    } finally {
      await h.close();
    }
  });

  it("lists one merchant's cases only, filtered and paged", async () => {
    const page = await listCases(t.prisma, "m-teahouse", { page: 2, status: "REFUNDED" }, 25);
    expect(page.rows).toHaveLength(25);
    expect(page.rows.every((r) => r.status === "REFUNDED" && r.outTradeNo.startsWith("TEA"))).toBe(true);
    const all = await listCases(t.prisma, "m-teahouse", { page: 1 }, 25);
    expect(all.total).toBeGreaterThanOrEqual(600);
  });
});
