import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../generated/prisma/client";
import { seedDemo } from "../demo/seed";
import { createTestDb, type TestDb } from "../testing/db";
import { DEFAULT_THRESHOLDS, routeCase, type AiView, type RouteName, type Thresholds } from "./route";
import { basisPointCut, examplesSql, rebuildWhatIfFacts, replayRoutes, replayScope, ROUTES, setWhatIfTriggers, sourceWhatIfSql, whatIf, whatIfSql, type WhatIfInput, type WindowDays } from "./whatif";

const NOW = new Date("2026-11-30T08:00:00.000Z");
const DAY = 86_400_000;
const M = "m-teahouse";

const th = (over: Partial<Thresholds>): Thresholds => ({ ...DEFAULT_THRESHOLDS, version: 2, ...over });
const CANDIDATES: Record<string, Thresholds> = {
  defaults: DEFAULT_THRESHOLDS,
  tight: th({ autoApproveBelow: 0.15, autoRejectAtOrAbove: 0.6, confidenceFloor: 0.9, hitlLimitFen: 10_000 }),
  loose: th({ autoApproveBelow: 0.45, autoRejectAtOrAbove: 0.85, confidenceFloor: 0.6, hitlLimitFen: 50_000 }),
  // Not exactly representable in binary: the SQL must compare the way the JS numbers do.
  inexact: th({ autoApproveBelow: 0.35, autoRejectAtOrAbove: 0.65, confidenceFloor: 0.7 }),
  overrides: th({
    overrides: {
      tea: { autoApproveBelow: 0.1, hitlLimitFen: 5_000 },
      teaware: { hitlLimitFen: 100_000, confidenceFloor: 0.6 },
      gift_box: { autoRejectAtOrAbove: 0.5 },
      "": { autoApproveBelow: 0.9 },
    },
  }),
  highRiskReview: th({ highRiskAction: "REVIEW" }),
  aiUnavailableReject: th({ aiUnavailable: "AUTO_REJECT" }),
  // Between basis points: the facts compare integer basis points against exact cut-offs.
  offGrid: th({ autoApproveBelow: 0.30005, autoRejectAtOrAbove: 0.69995, confidenceFloor: 0.74995, hitlLimitFen: 20_009.5 }),
  extremes: th({ autoApproveBelow: 0, autoRejectAtOrAbove: 1, confidenceFloor: 1 }),
  // Limits that cross (the schema refuses them, routeCase does not): low and high at once.
  crossed: th({ autoApproveBelow: 0.7, autoRejectAtOrAbove: 0.3, overrides: { teaware: { autoApproveBelow: 0.65 } } }),
  crossedHighReview: th({ autoApproveBelow: 0.7, autoRejectAtOrAbove: 0.3, highRiskAction: "REVIEW", aiUnavailable: "AUTO_REJECT" }),
  limitDown200: th({ hitlLimitFen: 10_000 }),
  limitUp200: th({ hitlLimitFen: 40_000 }),
  everything: th({
    autoApproveBelow: 0.2,
    autoRejectAtOrAbove: 0.8,
    highRiskAction: "REVIEW",
    aiUnavailable: "AUTO_REJECT",
    overrides: { teaware: { autoApproveBelow: 0.5, autoRejectAtOrAbove: 0.6, confidenceFloor: 0.5, hitlLimitFen: 40_000 } },
  }),
};

let t: TestDb;

/** The oracle: latest decision per case in (now − days, now], routed one by one with routeCase. */
async function routedInNode(thresholds: Thresholds, days: WindowDays) {
  const decisions = await t.prisma.aiDecision.findMany({
    where: { merchantId: M, createdAt: { gt: new Date(NOW.getTime() - days * DAY), lte: NOW } },
    include: { case: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const latest = new Map<string, (typeof decisions)[number]>();
  for (const d of decisions) if (d.case.merchantId === M) latest.set(d.caseId, d);
  const out = new Map<string, RouteName>();
  for (const [id, d] of latest) {
    const ai: AiView =
      d.riskScore === null
        ? { ok: false }
        : {
            ok: true,
            riskScore: Number(d.riskScore),
            confidence: d.confidence === null ? NaN : Number(d.confidence),
            recommendation: d.recommendation as "PASS" | "REVIEW" | "REJECT",
          };
    const c = d.case;
    out.set(id, routeCase({ kind: c.kind, requestedAmountFen: c.requestedAmountFen, paidAmountFen: c.paidAmountFen, refundedAmountFen: 0, merchantCategory: c.merchantCategory }, ai, thresholds).route);
  }
  return out;
}

const sortedRows = (rows: Record<string, unknown>[]) =>
  rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v))).sort();

/** The fact table's statements give exactly what the source tables give (sourceWhatIfSql, the reference), for every candidate and window. */
async function expectSameAsSource(merchantId: string, days: readonly WindowDays[] = [7, 30, 90]) {
  for (const [name, candidate] of Object.entries(CANDIDATES)) {
    for (const d of days) {
      const input: WhatIfInput = { current: DEFAULT_THRESHOLDS, candidate, days: d, now: NOW };
      const src = sourceWhatIfSql(merchantId, input);
      const scope = await replayScope(t.prisma, merchantId, [input.current, input.candidate]);
      const [got, want] = await Promise.all([t.prisma.$queryRaw<Record<string, unknown>[]>(whatIfSql(scope, input)), t.prisma.$queryRaw<Record<string, unknown>[]>(src.groups)]);
      expect(sortedRows(got), `${merchantId} ${name} ${d}d groups`).toEqual(sortedRows(want));
      const [ex, exWant] = await Promise.all([t.prisma.$queryRaw<Record<string, unknown>[]>(examplesSql(scope, input)), t.prisma.$queryRaw<Record<string, unknown>[]>(src.examples)]);
      expect(ex, `${merchantId} ${name} ${d}d examples`).toEqual(exWant);
    }
  }
}

/** The facts as the triggers keep them equal the facts rebuilt from scratch. */
async function expectFactsMatchRebuild() {
  const read = () => t.prisma.$queryRaw<Record<string, unknown>[]>`SELECT * FROM "WhatIfFact" ORDER BY "decisionId"`;
  const readDisputes = () => t.prisma.$queryRaw<Record<string, unknown>[]>`SELECT * FROM "WhatIfDispute" ORDER BY "merchantId", "outTradeNo"`;
  const [kept, keptDisputes] = [await read(), await readDisputes()];
  await rebuildWhatIfFacts(t.prisma);
  expect(kept).toEqual(await read());
  expect(keptDisputes).toEqual(await readDisputes());
  return kept.length;
}

/** Boundary cases the seed rarely hits: exact thresholds, missing confidence/recommendation, odd amounts. */
async function addEdgeCases() {
  // Scores exactly at the candidates' limits, one basis point either side, and outside [0, 1].
  const scores = ["-0.0001", "0.0000", "0.1000", "0.1500", "0.2999", "0.3000", "0.3001", "0.3500", "0.4500", "0.5000", "0.6000", "0.6500", "0.6999", "0.7000", "0.8500", "1.0000", "1.0001", null];
  const confs = [null, "-0.0001", "0.6000", "0.7000", "0.7499", "0.7500", "0.9000", "1.0000", "1.0001"];
  const recs = ["PASS", "REVIEW", "REJECT", null];
  const amounts = [5_000, 10_000, 20_000, 20_009, 20_010, 40_000, 40_010];
  const cats = ["tea", "teaware", "gift_box", ""];
  const cases: Prisma.CaseCreateManyInput[] = [];
  const decisions: Prisma.AiDecisionCreateManyInput[] = [];
  let i = 0;
  for (const s of scores)
    for (const f of confs)
      for (const rec of recs) {
        i++;
        const amount = amounts[i % amounts.length]!;
        const id = `edge_${i}`;
        const at = new Date(NOW.getTime() - (i % 80) * DAY - 3_600_000);
        cases.push({
          id,
          merchantId: M,
          kind: i % 17 === 0 ? "DISPUTE" : "REFUND",
          status: "REJECTED",
          outTradeNo: `EDGE${i}`,
          outRequestNo: `RF-${id}`,
          paidAmountFen: i % 11 === 0 ? amount - 10 : amount, // sometimes more requested than paid
          requestedAmountFen: amount,
          reasonText: "edge",
          customerId: "c",
          merchantCategory: cats[i % cats.length]!,
          createdAt: at,
        });
        decisions.push({ merchantId: M, caseId: id, endpoint: "ai.refund.assess", conversationId: id, riskScore: s, confidence: s === null ? null : f, recommendation: s === null ? null : rec, policyVersion: 1, route: "REVIEW", reasons: [], createdAt: at });
        // An older decision with the opposite picture: only the latest one may count.
        if (i % 5 === 0) decisions.push({ merchantId: M, caseId: id, endpoint: "ai.refund.assess", conversationId: `${id}-old`, riskScore: "0.9900", confidence: "0.9900", recommendation: "REJECT", policyVersion: 1, route: "AUTO_REJECT", reasons: [], createdAt: new Date(at.getTime() - 60_000) });
      }
  await t.prisma.case.createMany({ data: cases });
  await t.prisma.aiDecision.createMany({ data: decisions });
}

beforeAll(async () => {
  t = await createTestDb();
  await seedDemo(t.prisma, { reasoningKey: randomBytes(32), now: NOW, casesPerMerchant: 600 });
  await addEdgeCases();
}, 600_000); // the seed alone takes minutes when the shared machine is loaded

afterAll(async () => {
  await t?.dispose();
});

describe("basisPointCut", () => {
  // A stored Decimal(5,4) score of e basis points is the JS number e / 10000 in routeCase.
  const agrees = (t: number) => {
    const cut = basisPointCut(t);
    for (let e = 0; e <= 10_000; e++) {
      if (e / 10_000 >= t !== e >= cut || e / 10_000 < t !== e < cut) return `${t}: e=${e}, cut ${cut}`;
    }
    return null;
  };

  it("turns every 3-decimal limit the policy schema accepts into the same comparisons on basis points", () => {
    const bad = Array.from({ length: 1001 }, (_, i) => Number((i / 1000).toFixed(3))).map(agrees).filter(Boolean);
    expect(bad).toEqual([]);
  });

  it("is exact for limits between basis points and next to them", () => {
    const limits = [0.30005, 0.69995, 0.74995, 0.1 + 0.2, 0.7 - 1e-17, 0.7 + 1e-16, 1 - Number.EPSILON, Number.MIN_VALUE, 0.00005, 0.99995];
    for (let i = 0; i < 500; i++) limits.push(Math.random());
    expect(limits.map(agrees).filter(Boolean)).toEqual([]);
    expect([basisPointCut(0), basisPointCut(0.3), basisPointCut(0.30005), basisPointCut(1)]).toEqual([0, 3000, 3001, 10_000]);
  });
});

describe("replayRoutes", () => {
  for (const [name, candidate] of Object.entries(CANDIDATES)) {
    it(`equals routeCase one by one: ${name}`, async () => {
      for (const days of [7, 30, 90] as const) {
        const sql = await replayRoutes(t.prisma, M, candidate, days, NOW);
        const node = await routedInNode(candidate, days);
        expect(sql.size).toBe(node.size);
        const diff = [...node].filter(([id, route]) => sql.get(id)?.route !== route);
        expect(diff).toEqual([]);
        if (days === 90) expect(node.size).toBeGreaterThan(500);
      }
    });
  }

  it("routes the stored decisions the way they were routed under the defaults", async () => {
    // The seed routed with routeCase(defaults) at intake: replay must reproduce it.
    const sql = await replayRoutes(t.prisma, "m-gadgets", DEFAULT_THRESHOLDS, 90, NOW);
    const stored = await t.prisma.aiDecision.findMany({ where: { merchantId: "m-gadgets" }, select: { caseId: true, route: true } });
    expect(sql.size).toBe(stored.length);
    for (const d of stored) expect(sql.get(d.caseId)?.route).toBe(d.route);
  });
});

describe("whatIf", () => {
  it("adds up: lanes, the moved matrix, amounts and the charts", async () => {
    for (const [name, candidate] of Object.entries(CANDIDATES)) {
      const r = await whatIf(t.prisma, M, { current: DEFAULT_THRESHOLDS, candidate, days: 90, now: NOW });
      const node = await routedInNode(candidate, 90);
      expect(r.total, name).toBe(node.size);
      for (const side of ["current", "candidate"] as const) {
        expect(ROUTES.reduce((n, k) => n + r.lanes[side][k].cases, 0)).toBe(r.total);
      }
      for (const k of ROUTES) {
        expect(r.lanes.candidate[k].cases, `${name} ${k}`).toBe([...node.values()].filter((v) => v === k).length);
        expect(r.lanes.change[k].cases).toBe(r.lanes.candidate[k].cases - r.lanes.current[k].cases);
        const from = r.moved.filter((m) => m.from === k);
        const to = r.moved.filter((m) => m.to === k);
        expect(from.reduce((n, m) => n + m.cases, 0)).toBe(r.lanes.current[k].cases);
        expect(to.reduce((n, m) => n + m.cases, 0)).toBe(r.lanes.candidate[k].cases);
        expect(from.reduce((n, m) => n + m.amountFen, 0)).toBe(r.lanes.current[k].amountFen);
        expect(to.reduce((n, m) => n + m.amountFen, 0)).toBe(r.lanes.candidate[k].amountFen);
        for (const v of [r.lanes.current[k].amountFen, r.lanes.candidate[k].amountFen, r.lanes.change[k].amountFen]) expect(Number.isInteger(v)).toBe(true);
      }
      expect(r.autoApprovedFen.candidate).toBe(r.lanes.candidate.AUTO_APPROVE.amountFen);
      const unavailable = r.total - r.histogram.reduce((n, b) => n + b.count, 0);
      expect(unavailable).toBeGreaterThan(0);
      expect(r.histogram).toHaveLength(20);
      expect(r.density.every((c) => c.count > 0 && c.risk >= 1 && c.risk <= 20 && c.confidence >= 1 && c.confidence <= 20)).toBe(true);
      expect(r.thresholds).toEqual(candidate);
    }
  });

  it("refuses limits the facts cannot replay exactly, with a message naming them", async () => {
    for (const bad of [th({ autoApproveBelow: 1.5 }), th({ overrides: { tea: { confidenceFloor: -0.1 } } }), th({ autoRejectAtOrAbove: Number.NaN }), th({ hitlLimitFen: Number.NaN })]) {
      await expect(whatIf(t.prisma, M, { current: DEFAULT_THRESHOLDS, candidate: bad, days: 7, now: NOW })).rejects.toMatchObject({ kind: "invalid", message: expect.stringMatching(/autoApproveBelow|confidenceFloor|autoRejectAtOrAbove|hitlLimitFen/) });
    }
  });

  it("shows an identical candidate as no change", async () => {
    const r = await whatIf(t.prisma, M, { current: DEFAULT_THRESHOLDS, candidate: DEFAULT_THRESHOLDS, days: 30, now: NOW });
    expect(r.moved.every((m) => m.from === m.to)).toBe(true);
    expect(ROUTES.every((k) => r.lanes.change[k].cases === 0 && r.lanes.change[k].amountFen === 0)).toBe(true);
    expect(r.workload.changeHours).toBe(0);
  });

  it("turns review cases into hours from measured handling times, or flags an estimate", async () => {
    await t.prisma.$executeRaw`UPDATE "Case" SET "handlingMs" = NULL WHERE "merchantId" = 'm-gadgets'`;
    const before = await whatIf(t.prisma, "m-gadgets", { current: DEFAULT_THRESHOLDS, candidate: CANDIDATES.tight!, days: 30, now: NOW });
    expect(before.workload).toMatchObject({ estimated: true, sample: 0, meanHandlingMs: 240_000 });
    await t.prisma.$executeRaw`UPDATE "Case" SET "handlingMs" = 300000 + (length(id) % 2) * 60000
      WHERE "merchantId" = 'm-gadgets' AND "decidedById" IS NOT NULL AND "decidedAt" IS NOT NULL`;
    const sample = await t.prisma.$queryRaw<{ n: number; mean: number }[]>`
      SELECT count(*)::int AS n, round(avg(c."handlingMs"))::int AS mean FROM "Case" c
      WHERE c."merchantId" = 'm-gadgets' AND c."handlingMs" IS NOT NULL AND c."decidedAt" IS NOT NULL
        AND EXISTS (SELECT 1 FROM "AiDecision" d WHERE d."caseId" = c.id AND d."createdAt" > ${new Date(NOW.getTime() - 30 * DAY)} AND d."createdAt" <= ${NOW})`;
    const r = await whatIf(t.prisma, "m-gadgets", { current: DEFAULT_THRESHOLDS, candidate: CANDIDATES.tight!, days: 30, now: NOW });
    expect(r.workload.estimated).toBe(false);
    expect(r.workload.sample).toBe(sample[0]!.n);
    expect(r.workload.meanHandlingMs).toBe(sample[0]!.mean);
    expect(r.workload.candidate.reviewCases).toBe(r.lanes.candidate.REVIEW.cases);
    expect(r.workload.candidate.hours).toBeCloseTo((r.lanes.candidate.REVIEW.cases * r.workload.meanHandlingMs) / 3_600_000, 0);
    expect(r.workload.candidate.hours).toBeGreaterThan(r.workload.current.hours);
  });

  it("counts decisions that a later dispute or a person showed wrong", async () => {
    const at = new Date(NOW.getTime() - 3 * DAY);
    const base = { merchantId: "m-gadgets", paidAmountFen: 8_000, requestedAmountFen: 8_000, reasonText: "x", customerId: "c", merchantCategory: "electronics" };
    await t.prisma.case.createMany({
      data: [
        { ...base, id: "w_auto", kind: "REFUND", status: "REFUNDED", outTradeNo: "WRONG1", outRequestNo: "RF-w1", route: "AUTO_APPROVE", createdAt: at },
        { ...base, id: "w_dispute", kind: "DISPUTE", status: "REVIEW", outTradeNo: "WRONG1", outRequestNo: "RF-w2", createdAt: new Date(at.getTime() + DAY) },
        // A dispute that came before the approval does not show it wrong.
        { ...base, id: "w_early_d", kind: "DISPUTE", status: "CLOSED", outTradeNo: "WRONG2", outRequestNo: "RF-w3", createdAt: new Date(at.getTime() - DAY) },
        { ...base, id: "w_auto2", kind: "REFUND", status: "REFUNDED", outTradeNo: "WRONG2", outRequestNo: "RF-w4", route: "AUTO_APPROVE", createdAt: at },
        { ...base, id: "w_rej", kind: "REFUND", status: "REFUNDED", outTradeNo: "WRONG3", outRequestNo: "RF-w5", route: "AUTO_REJECT", decidedById: "someone", createdAt: at },
        // Same dispute order number at another merchant: not ours.
        { ...base, merchantId: "m-teahouse", merchantCategory: "tea", id: "w_other", kind: "DISPUTE", status: "REVIEW", outTradeNo: "WRONG2", outRequestNo: "RF-w6", createdAt: NOW },
      ],
    });
    const d = (caseId: string, riskScore: string, recommendation: string, route: "AUTO_APPROVE" | "AUTO_REJECT"): Prisma.AiDecisionCreateManyInput =>
      ({ merchantId: "m-gadgets", caseId, endpoint: "ai.refund.assess", conversationId: caseId, riskScore, confidence: "0.9000", recommendation, policyVersion: 1, route, reasons: [], createdAt: new Date(at.getTime() + 2_000) });
    await t.prisma.aiDecision.createMany({ data: [d("w_auto", "0.2500", "PASS", "AUTO_APPROVE"), d("w_auto2", "0.2500", "PASS", "AUTO_APPROVE"), d("w_rej", "0.9000", "REJECT", "AUTO_REJECT")] });

    const r = await whatIf(t.prisma, "m-gadgets", { current: DEFAULT_THRESHOLDS, candidate: th({ autoApproveBelow: 0.2 }), days: 7, now: NOW });
    expect(r.wrong.disputedAfterAutoApprove).toEqual({ cases: 1, routedDifferently: 1 });
    expect(r.wrong.refundedAfterAutoReject).toEqual({ cases: 1, routedDifferently: 0 });
    expect(r.wrong.examples[0]).toEqual({ caseId: "w_auto", kind: "DISPUTED_AFTER_AUTO_APPROVE", current: "AUTO_APPROVE", candidate: "REVIEW" });
    expect(r.wrong.examples.map((e) => e.caseId).sort()).toEqual(["w_auto", "w_rej"]);

    const high = await whatIf(t.prisma, "m-gadgets", { current: DEFAULT_THRESHOLDS, candidate: th({ highRiskAction: "REVIEW" }), days: 7, now: NOW });
    expect(high.wrong.refundedAfterAutoReject).toEqual({ cases: 1, routedDifferently: 1 });
    expect(high.wrong.disputedAfterAutoApprove.routedDifferently).toBe(0);
  });
});

describe("WhatIfFact, kept by triggers", { timeout: 300_000 }, () => {
  const G = "m-gadgets";
  const base = { merchantId: G, paidAmountFen: 9_000, requestedAmountFen: 9_000, reasonText: "x", customerId: "c", merchantCategory: "electronics" };
  const decision = (caseId: string, at: Date, riskScore: string | null, route: "AUTO_APPROVE" | "REVIEW" | "AUTO_REJECT", recommendation = "PASS"): Prisma.AiDecisionCreateManyInput => ({
    merchantId: G,
    caseId,
    endpoint: "ai.refund.assess",
    conversationId: `${caseId}:${at.getTime()}`,
    riskScore,
    confidence: riskScore === null ? null : "0.9500",
    recommendation: riskScore === null ? null : recommendation,
    policyVersion: 1,
    route,
    reasons: [],
    createdAt: at,
  });
  const run = (candidate: Thresholds = DEFAULT_THRESHOLDS) => whatIf(t.prisma, G, { current: DEFAULT_THRESHOLDS, candidate, days: 7, now: NOW });

  it("give the same groups and examples as the source tables, for every candidate and window", async () => {
    await expectSameAsSource(M);
    await expectSameAsSource(G);
    expect(await expectFactsMatchRebuild()).toBeGreaterThan(1_000);
  });

  it("follow new cases, newer decisions, disputes, decisions by people and deletions", async () => {
    const at = new Date(NOW.getTime() - 2 * DAY);
    const before = await run();
    await t.prisma.case.create({ data: { ...base, id: "live_1", kind: "REFUND", status: "REFUNDED", outTradeNo: "LIVE1", outRequestNo: "RF-live1", route: "AUTO_APPROVE", createdAt: at } });
    await t.prisma.aiDecision.create({ data: decision("live_1", at, "0.1000", "AUTO_APPROVE") as Prisma.AiDecisionUncheckedCreateInput });
    const added = await run();
    expect(added.total).toBe(before.total + 1);
    expect(added.lanes.current.AUTO_APPROVE.cases).toBe(before.lanes.current.AUTO_APPROVE.cases + 1);

    // A later dispute on the same order shows the auto-approval wrong.
    await t.prisma.case.create({ data: { ...base, id: "live_1d", kind: "DISPUTE", status: "REVIEW", outTradeNo: "LIVE1", outRequestNo: "RF-live1d", createdAt: new Date(at.getTime() + DAY) } });
    const disputed = await run();
    expect(disputed.wrong.disputedAfterAutoApprove.cases).toBe(added.wrong.disputedAfterAutoApprove.cases + 1);
    expect(disputed.total).toBe(added.total); // the dispute has no decision yet
    await expectSameAsSource(G, [7]);

    // A newer decision of the same case replaces the older one in every window it falls in.
    await t.prisma.aiDecision.create({ data: decision("live_1", new Date(at.getTime() + 60_000), "0.9000", "AUTO_REJECT", "REJECT") as Prisma.AiDecisionUncheckedCreateInput });
    const redecided = await run();
    expect(redecided.total).toBe(added.total);
    expect(redecided.lanes.current.AUTO_REJECT.cases).toBe(added.lanes.current.AUTO_REJECT.cases + 1);
    expect(redecided.wrong.disputedAfterAutoApprove.cases).toBe(added.wrong.disputedAfterAutoApprove.cases);
    await expectSameAsSource(G, [7]);

    // A person refunds the auto-rejected case.
    await t.prisma.case.update({ where: { id: "live_1" }, data: { status: "REFUNDED", decidedById: "someone", decidedAt: NOW, handlingMs: 120_000 } });
    const refunded = await run();
    expect(refunded.wrong.refundedAfterAutoReject.cases).toBe(redecided.wrong.refundedAfterAutoReject.cases + 1);
    expect(refunded.workload.sample).toBe(redecided.workload.sample + 1);
    // What routing reads changes (category, amounts): the replay follows.
    await t.prisma.case.update({ where: { id: "live_1" }, data: { merchantCategory: "accessories", requestedAmountFen: 30_000, paidAmountFen: 20_000 } });
    await expectSameAsSource(G, [7]);

    // The newer decision removed: the older one counts again, and so does its dispute.
    await t.prisma.aiDecision.deleteMany({ where: { caseId: "live_1", route: "AUTO_REJECT" } });
    await t.prisma.case.update({ where: { id: "live_1" }, data: { merchantCategory: "electronics", requestedAmountFen: 9_000, paidAmountFen: 9_000 } });
    expect((await run()).wrong.disputedAfterAutoApprove.cases).toBe(disputed.wrong.disputedAfterAutoApprove.cases);
    // The dispute moves to another order, then is deleted: the approval is no longer shown wrong.
    await t.prisma.case.update({ where: { id: "live_1d" }, data: { outTradeNo: "LIVE1-other" } });
    expect((await run()).wrong.disputedAfterAutoApprove.cases).toBe(added.wrong.disputedAfterAutoApprove.cases);
    await t.prisma.case.update({ where: { id: "live_1d" }, data: { outTradeNo: "LIVE1" } });
    expect((await run()).wrong.disputedAfterAutoApprove.cases).toBe(disputed.wrong.disputedAfterAutoApprove.cases);
    await t.prisma.case.delete({ where: { id: "live_1d" } });
    expect((await run()).wrong.disputedAfterAutoApprove.cases).toBe(added.wrong.disputedAfterAutoApprove.cases);
    await expectSameAsSource(G, [7, 90]);
    await expectFactsMatchRebuild();
  });

  it("stay right when a decision and a dispute on the same order commit concurrently", async () => {
    // Other features' triggers on these tables may serialise the two transactions by themselves
    // (a shared rollup row); switch them off here so only the what-if's own lock is tested.
    const others = await t.prisma.$queryRaw<{ tbl: string; name: string }[]>`
      SELECT c.relname AS tbl, t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND c.relname IN ('Case', 'AiDecision') AND t.tgname NOT LIKE 'whatif%'`;
    const toggle = async (on: boolean) => {
      for (const o of others) await t.prisma.$executeRawUnsafe(`ALTER TABLE "${o.tbl}" ${on ? "ENABLE" : "DISABLE"} TRIGGER "${o.name}"`);
    };
    const at = new Date(NOW.getTime() - DAY);
    await t.prisma.case.create({ data: { ...base, id: "race_1", kind: "REFUND", status: "REFUNDED", outTradeNo: "RACE1", outRequestNo: "RF-race1", route: "AUTO_APPROVE", createdAt: at } });
    await toggle(false);
    try {
      let decided!: () => void;
      const decisionInserted = new Promise<void>((r) => (decided = r));
      // The decision's transaction stays open while the dispute arrives: the dispute cannot see
      // the decision's fact, and the decision's trigger ran before the dispute existed.
      await Promise.all([
        t.prisma.$transaction(
          async (tx) => {
            await tx.aiDecision.create({ data: decision("race_1", new Date(at.getTime() + 2_000), "0.1000", "AUTO_APPROVE") as Prisma.AiDecisionUncheckedCreateInput });
            decided();
            await tx.$executeRaw`SELECT pg_sleep(1)`;
          },
          { timeout: 20_000 },
        ),
        decisionInserted.then(() =>
          t.prisma.case.create({ data: { ...base, id: "race_1d", kind: "DISPUTE", status: "REVIEW", outTradeNo: "RACE1", outRequestNo: "RF-race1d", createdAt: new Date(at.getTime() + 3_600_000) } }),
        ),
      ]);
    } finally {
      await toggle(true);
    }
    const [fact] = await t.prisma.$queryRaw<{ wrong: number }[]>`SELECT wrong FROM "WhatIfFact" WHERE "caseId" = 'race_1'`;
    expect(fact).toEqual({ wrong: 1 });
    await expectFactsMatchRebuild();
  });

  it("lock at most 1,024 buckets however many orders one statement touches (PostgreSQL's lock table holds ~6,400)", async () => {
    const held = await t.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT whatif_lock(array_agg('m-bulk'::text), array_agg('T' || g)) FROM generate_series(1, 20000) g`;
      const [row] = await tx.$queryRaw<{ n: number; least: number; most: number }[]>`
        SELECT count(*)::int AS n, min(objid)::int AS least, max(objid)::int AS most FROM pg_locks
         WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = 7707 AND objsubid = 2`;
      return row!;
    });
    expect(held.n).toBeGreaterThan(1_000); // 20,000 orders fill (nearly) every bucket
    expect(held.n).toBeLessThanOrEqual(1_024);
    expect(held.least).toBeGreaterThanOrEqual(0);
    expect(held.most).toBeLessThan(1_024);
  });

  it("are rebuilt in one statement after a load with the triggers off", async () => {
    const at = new Date(NOW.getTime() - DAY);
    const before = await run();
    await setWhatIfTriggers(t.prisma, false);
    try {
      await t.prisma.case.create({ data: { ...base, id: "bulk_1", kind: "REFUND", status: "REJECTED", outTradeNo: "BULK1", outRequestNo: "RF-bulk1", route: "AUTO_REJECT", createdAt: at } });
      await t.prisma.aiDecision.create({ data: decision("bulk_1", at, "0.9500", "AUTO_REJECT", "REJECT") as Prisma.AiDecisionUncheckedCreateInput });
    } finally {
      await setWhatIfTriggers(t.prisma, true);
    }
    expect((await run()).total).toBe(before.total); // stale until rebuilt
    await rebuildWhatIfFacts(t.prisma);
    expect((await run()).total).toBe(before.total + 1);
    await expectSameAsSource(G, [7]);
  });
});
