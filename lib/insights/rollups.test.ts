import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rng } from "../demo/rng";
import type { CaseStatus, Prisma } from "../generated/prisma/client";
import { createTestDb, type TestDb } from "../testing/db";
import { rebuildInsightsRollups, rollupDifferences } from "./rollups";

describe("insights rollups", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await t.prisma.merchant.createMany({ data: [{ id: "m-a", name: "A" }, { id: "m-b", name: "B" }] });
  });
  afterAll(() => t.dispose());

  it("bins a decision by Shanghai day, band and score, and counts the case's outcome", async () => {
    await t.prisma.case.create({
      data: { id: "k1", merchantId: "m-a", kind: "REFUND", outTradeNo: "K1", outRequestNo: "RK1", paidAmountFen: 20_000, requestedAmountFen: 20_000, reasonText: "r", customerId: "c", merchantCategory: "tea", createdAt: new Date("2026-11-01T17:00:00Z") },
    });
    await t.prisma.aiDecision.create({
      data: { merchantId: "m-a", caseId: "k1", endpoint: "ai.refund.assess", conversationId: "x", riskScore: "0.3000", confidence: "1.0000", recommendation: "REVIEW", modelVersion: "v1", policyVersion: 1, route: "REVIEW", createdAt: new Date("2026-11-01T16:30:00Z") },
    });
    const bins = await t.prisma.insightsDecisionRollup.findMany({ where: { merchantId: "m-a" }, orderBy: { metric: "asc" } });
    // 16:30 UTC is 00:30 the next day in Shanghai; 0.30 opens bin 7; 1.0 falls in the last bin; 200 CNY is band 1.
    expect(bins.map((b) => [b.day.toISOString().slice(0, 10), b.metric, b.bin, b.amountBand, b.recommendation, b.count])).toEqual([
      ["2026-11-02", 0, 7, 1, "REVIEW", 1],
      ["2026-11-02", 1, 20, 1, "REVIEW", 1],
    ]);
    await t.prisma.case.update({ where: { id: "k1" }, data: { status: "REFUNDED", decidedById: "u1", decisionCode: "APPROVE_VALID_CLAIM", route: "REVIEW" } });
    await t.prisma.case.create({
      data: { id: "k1d", merchantId: "m-a", kind: "DISPUTE", outTradeNo: "K1", outRequestNo: "DK1", paidAmountFen: 20_000, requestedAmountFen: 20_000, reasonText: "r", customerId: "c", merchantCategory: "tea" },
    });
    const outcomes = await t.prisma.insightsOutcomeRollup.findMany({ where: { merchantId: "m-a", count: { not: 0 } } });
    expect(outcomes.map((o) => [o.recommendation, o.modelVersion, o.agentId, o.outcome, o.disputed, o.count])).toEqual([["REVIEW", "v1", "u1", "APPROVED", true, 1]]);
    expect(await rollupDifferences(t.prisma)).toEqual({ decisions: 0, outcomes: 0 });
  });

  it("equal the raw aggregate after random inserts, batches, decisions, updates and disputes", async () => {
    const r = rng(6);
    const statuses: CaseStatus[] = ["REVIEW", "APPROVED", "EXECUTING", "REFUNDED", "REJECTED", "ESCALATED", "FAILED"];
    const ids: string[] = [];
    let n = 0;
    const newCase = (kind: "REFUND" | "DISPUTE", trade?: string): Prisma.CaseCreateManyInput => {
      const id = `r${n++}`;
      if (kind === "REFUND") ids.push(id);
      return {
        id,
        merchantId: r.pick(["m-a", "m-b"]),
        kind,
        status: r.pick(statuses),
        outTradeNo: trade ?? `T${id}`,
        outRequestNo: `R${id}`,
        paidAmountFen: 50_000,
        requestedAmountFen: r.pick([100, 4_999, 5_000, 20_000, 20_001, 100_000, 100_001]),
        approvedAmountFen: r.chance(0.3) ? 100 : null,
        reasonText: "r",
        customerId: "c",
        merchantCategory: r.pick(["tea", "gift_box"]),
        crossBorder: r.chance(0.2),
        route: r.chance(0.1) ? null : r.pick(["AUTO_APPROVE", "REVIEW", "AUTO_REJECT"] as const),
        decidedById: r.chance(0.5) ? r.pick(["u1", "u2"]) : null,
        decisionCode: r.chance(0.5) ? r.pick(["A", "B"]) : null,
        createdAt: new Date(Date.UTC(2026, 10, 1) + r.int(0, 10 * 86_400_000)),
      };
    };
    const decision = (caseId: string, merchantId: string): Prisma.AiDecisionCreateManyInput => {
      const failed = r.chance(0.1);
      return {
        merchantId,
        caseId,
        endpoint: "ai.refund.assess",
        conversationId: "x",
        riskScore: failed ? null : r.next().toFixed(4),
        confidence: failed ? null : r.chance(0.1) ? "1.0000" : r.next().toFixed(4),
        recommendation: failed ? null : r.pick(["PASS", "REVIEW", "REJECT"]),
        modelVersion: failed ? null : r.pick(["v1", "v2"]),
        policyVersion: 1,
        route: "REVIEW",
        createdAt: new Date(Date.UTC(2026, 10, 1) + r.int(0, 10 * 86_400_000)),
      };
    };
    for (let round = 0; round < 6; round++) {
      const batch = Array.from({ length: r.int(1, 40) }, () => newCase("REFUND"));
      // A refund and its dispute in the same statement, and single inserts.
      batch.push(newCase("DISPUTE", batch[0]!.outTradeNo));
      await t.prisma.case.createMany({ data: batch });
      await t.prisma.case.create({ data: newCase("REFUND") as Prisma.CaseUncheckedCreateInput });
      const owners = await t.prisma.case.findMany({ where: { id: { in: ids } }, select: { id: true, merchantId: true } });
      const decisions = Array.from({ length: r.int(1, 60) }, () => {
        const c = r.pick(owners);
        return decision(c.id, c.merchantId);
      });
      await t.prisma.aiDecision.createMany({ data: decisions });
      await t.prisma.aiDecision.create({ data: decision(owners[0]!.id, owners[0]!.merchantId) as Prisma.AiDecisionUncheckedCreateInput });
      for (let u = 0; u < 10; u++) {
        await t.prisma.case.update({ where: { id: r.pick(ids) }, data: { status: r.pick(statuses), decidedById: r.pick(["u1", "u2", null]), decisionCode: r.pick(["A", "C", null]) } });
      }
      // A bulk update of several rows, one that changes nothing relevant, and disputes of earlier trades.
      await t.prisma.case.updateMany({ where: { id: { in: ids.slice(0, 15) } }, data: { status: "REJECTED" } });
      await t.prisma.case.updateMany({ where: { id: { in: ids.slice(0, 15) } }, data: { claimedById: "u1" } });
      const disputed = await t.prisma.case.findMany({ where: { id: { in: [r.pick(ids), r.pick(ids)] } }, select: { outTradeNo: true, merchantId: true } });
      await t.prisma.case.createMany({ data: disputed.map((d) => ({ ...newCase("DISPUTE", d.outTradeNo), merchantId: d.merchantId })) });
      expect(await rollupDifferences(t.prisma)).toEqual({ decisions: 0, outcomes: 0 });
    }
    expect(await t.prisma.aiDecision.count()).toBeGreaterThan(20);
  });

  it("rebuild from raw rows gives the same rollups after they were lost", async () => {
    const before = await t.prisma.insightsDecisionRollup.aggregate({ _sum: { count: true } });
    await t.prisma.$executeRawUnsafe(`UPDATE "InsightsDecisionRollup" SET count = count + 1`);
    await t.prisma.$executeRawUnsafe(`DELETE FROM "InsightsOutcomeRollup" WHERE disputed`);
    expect(await rollupDifferences(t.prisma)).not.toEqual({ decisions: 0, outcomes: 0 });
    await rebuildInsightsRollups(t.prisma);
    expect(await rollupDifferences(t.prisma)).toEqual({ decisions: 0, outcomes: 0 });
    expect(await t.prisma.insightsDecisionRollup.aggregate({ _sum: { count: true } })).toEqual(before);
  });
});
