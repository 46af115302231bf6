import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LedgerOutcome } from "../alipay/ledger";
import { createTestDb, type TestDb } from "../testing/db";
import { alertsForMonth, budgetStatus, checkBudgetAlerts, saveSettings, setBudget } from "./budget";
import { csvLines } from "./csv";
import { fromMicro, toMicro } from "./decimal";
import { ledgerTotals, rebuildCostRollups, spendBy, spendSeries, totalsOf } from "./queries";
import { localDay } from "./range";
import { costsPageData, costsSummary } from "./view";
import { workflowOf } from "./workflow";

const OUTCOMES: LedgerOutcome[] = ["SUCCESS", "SUCCESS", "SUCCESS", "BUSINESS_ERROR", "RATE_LIMITED", "TIMEOUT", "SERVER_ERROR", "UNKNOWN_OUTCOME"];
const ENDPOINTS = ["ai.risk.score", "ai.refund.assess", "ai.dispute.analyze", "ai.batch.submit", "ai.batch.poll", "trade.refund", "trade.refund.query", "tradecomplain.feedback", "tradecomplain.get"];
const LABELS = { key: "k", fields: { calls: "c", failedCalls: "fc", retriedCalls: "rc", costCny: "cost", failedCostCny: "fcost", retriedCostCny: "rcost", feeCny: "fee", totalCny: "total" }, total: "TOTAL" };
const BASE = Date.UTC(2026, 10, 1); // 2026-11-01

interface Call {
  m: number;
  endpoint: string;
  outcome: LedgerOutcome;
  attempt: number;
  tier: "standard" | "batch";
  costMicro: number;
  feeMicro: number;
  minute: number;
  caseIdx: number | null;
}

const callArb = fc.record({
  m: fc.integer({ min: 0, max: 1 }),
  endpoint: fc.constantFrom(...ENDPOINTS),
  outcome: fc.constantFrom(...OUTCOMES),
  attempt: fc.integer({ min: 1, max: 3 }),
  tier: fc.constantFrom("standard" as const, "batch" as const),
  costMicro: fc.integer({ min: 0, max: 250_000 }),
  feeMicro: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 90_000_000 })),
  minute: fc.integer({ min: 0, max: 40 * 24 * 60 }),
  caseIdx: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
});

describe("costs over the rollup", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.dispose());

  it("derives the workflow in SQL exactly as workflowOf does", async () => {
    for (const endpoint of [...ENDPOINTS, "something.else"]) {
      for (const kind of [null, "REFUND", "DISPUTE"] as const) {
        const [r] = await t.prisma.$queryRaw<{ w: string }[]>`SELECT cost_workflow(${endpoint}, ${kind}::text) AS w`;
        expect(r!.w, `${endpoint}/${kind}`).toBe(workflowOf(endpoint, kind));
      }
    }
  });

  it("reconciles exactly: ledger rows = rollup views = CSV total, after random calls with failures and retries", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(callArb, { minLength: 1, maxLength: 60 }), fc.boolean(), async (calls, bulk) => {
        run++;
        const ids = [`m-r${run}-sh`, `m-r${run}-utc`];
        const zones = ["Asia/Shanghai", "UTC"];
        await t.prisma.merchant.createMany({ data: ids.map((id, i) => ({ id, name: id, timeZone: zones[i]! })) });
        const caseIds: string[][] = [];
        for (const id of ids) {
          const cs = [];
          for (let k = 0; k < 4; k++) {
            const c = await t.prisma.case.create({ data: { merchantId: id, kind: k % 2 ? "DISPUTE" : "REFUND", outTradeNo: `T${k}`, outRequestNo: `R${k}`, paidAmountFen: 100, requestedAmountFen: 100, reasonText: "r", customerId: "c", merchantCategory: "tea" } });
            cs.push(c.id);
          }
          caseIds.push(cs);
        }
        const rows = calls.map((c: Call, i) => ({
          merchantId: ids[c.m]!,
          caseId: c.caseIdx === null ? null : caseIds[c.m]![c.caseIdx]!,
          endpoint: c.endpoint,
          requestId: `req-${run}-${i}`,
          latencyMs: 100,
          attempt: c.attempt,
          outcome: c.outcome,
          tier: c.tier,
          costCny: fromMicro(BigInt(c.costMicro)),
          feeCny: fromMicro(BigInt(c.feeMicro)),
          createdAt: new Date(BASE + c.minute * 60_000),
        }));
        if (bulk) await t.prisma.apiCall.createMany({ data: rows });
        else for (const r of rows) await t.prisma.apiCall.create({ data: r });

        const range = { from: "2026-10-31", to: "2026-12-15" };
        for (const [m, id] of ids.entries()) {
          const mine = calls.map((c, i) => ({ c, r: rows[i]! })).filter(({ c }) => c.m === m);
          const micro = (xs: typeof mine, pick: (c: Call) => number) => fromMicro(xs.reduce((a, { c }) => a + BigInt(pick(c)), 0n));
          const expected = {
            calls: mine.length,
            failedCalls: mine.filter(({ c }) => c.outcome !== "SUCCESS").length,
            retriedCalls: mine.filter(({ c }) => c.attempt > 1).length,
            costCny: micro(mine, (c) => c.costMicro),
            failedCostCny: micro(mine.filter(({ c }) => c.outcome !== "SUCCESS"), (c) => c.costMicro),
            retriedCostCny: micro(mine.filter(({ c }) => c.attempt > 1), (c) => c.costMicro),
            feeCny: micro(mine, (c) => c.feeMicro),
          };
          for (const view of ["day", "week", "month", "endpoint", "workflow", "tier", "outcome"] as const) {
            expect(totalsOf(await spendBy(t.prisma, [id], range, view)), view).toEqual(expected);
          }
          expect(await ledgerTotals(t.prisma, id, range, zones[m]!)).toEqual(expected);
          // per local day, in the merchant's time zone
          const byDay = await spendBy(t.prisma, [id], range, "day");
          for (const d of byDay) {
            const onDay = mine.filter(({ r }) => localDay(r.createdAt, zones[m]!) === d.key);
            expect(d.calls, d.key).toBe(onDay.length);
            expect(d.costCny).toBe(micro(onDay, (c) => c.costMicro));
          }
          // per workflow, with batch calls following their case's kind
          const byWf = await spendBy(t.prisma, [id], range, "workflow");
          for (const w of byWf) {
            const inWf = mine.filter(({ c }) => workflowOf(c.endpoint, c.caseIdx === null ? null : c.caseIdx % 2 ? "DISPUTE" : "REFUND") === w.key);
            expect(w.calls, w.key).toBe(inWf.length);
          }
          // the CSV's total line is the screen's totals
          const page = await costsPageData(t.prisma, { merchantId: id, timeZone: zones[m]!, range, granularity: "week", now: new Date(BASE + 20 * 86_400_000) });
          expect(page.totals).toEqual(expected);
          // the page's one-pass views are the same as each view queried alone
          expect(page.byPeriod).toEqual(await spendBy(t.prisma, [id], range, "week"));
          expect(page.byEndpoint).toEqual(await spendBy(t.prisma, [id], range, "endpoint"));
          expect(page.byWorkflow).toEqual(byWf);
          expect(page.byTier).toEqual(await spendBy(t.prisma, [id], range, "tier"));
          expect(page.byOutcome).toEqual(await spendBy(t.prisma, [id], range, "outcome"));
          expect(page.series).toEqual(await spendSeries(t.prisma, id, range, "week"));
          // the summary CSV's figures are the page's
          const summary = await costsSummary(t.prisma, { merchantId: id, timeZone: zones[m]!, range, now: new Date(BASE + 20 * 86_400_000) });
          expect(summary).toEqual({ unit: page.unit, budget: page.budget });
          const last = [...csvLines(byDay, LABELS, "plain")].at(-1)!.trim().split(",");
          expect(last.slice(0, 8)).toEqual(["TOTAL", String(expected.calls), String(expected.failedCalls), String(expected.retriedCalls), expected.costCny, expected.failedCostCny, expected.retriedCostCny, expected.feeCny]);
          expect(last[8]).toBe(fromMicro(toMicro(expected.costCny) + toMicro(expected.feeCny)));
        }
        // by merchant: one row each, same sums
        const byMerchant = await spendBy(t.prisma, ids, range, "merchant");
        expect(byMerchant.map((r) => r.key).sort()).toEqual([...new Set(calls.map((c) => ids[c.m]!))].sort());
        // a rebuild from the ledger yields the same rollup as the trigger kept
        const snapshot = () => t.prisma.$queryRaw<unknown[]>`SELECT "merchantId", day::text, endpoint, workflow, tier, failed, calls::text, "retriedCalls"::text, "costCny"::text, "retriedCostCny"::text, "feeCny"::text FROM "CostDaily" WHERE "merchantId" = ANY(${ids}) ORDER BY 1,2,3,4,5,6`;
        const before = await snapshot();
        for (const id of ids) await rebuildCostRollups(t.prisma, id);
        expect(await snapshot()).toEqual(before);
      }),
      { numRuns: 8, seed: 20261202 },
    );
  });

  it("fires each budget alert once per threshold per month, records it, and reports the webhook", async () => {
    const M = "m-budget";
    await t.prisma.merchant.create({ data: { id: M, name: "Budget Co", timeZone: "Asia/Shanghai" } });
    const user = await t.prisma.user.create({ data: { email: "fin@budget.test", name: "Fin", passwordHash: "x" } });
    const now = new Date("2026-12-10T04:00:00Z"); // 12:00 in Shanghai, 2026-12-10
    const spend = (yuan: string, at: string) => t.prisma.apiCall.create({ data: { merchantId: M, endpoint: "ai.risk.score", requestId: `b-${Math.random()}`, latencyMs: 1, attempt: 1, outcome: "SUCCESS", costCny: yuan, createdAt: new Date(at) } });
    const posts: unknown[] = [];
    const post = async (_url: string, body: unknown) => {
      posts.push(body);
      return { status: 204 };
    };

    await setBudget(t.prisma, M, user.id, { month: "2026-12", amount: 1_000 }); // 10.00 CNY
    await saveSettings(t.prisma, M, user.id, { reviewHourlyRate: 6_000, webhookUrl: "https://hooks.example/budget" });
    await spend("7.999999", "2026-12-05T02:00:00Z");
    await spend("50.000000", "2026-11-30T15:59:59Z"); // 23:59:59 on Nov 30 in Shanghai: last month
    let r = await checkBudgetAlerts(t.prisma, M, "Asia/Shanghai", now, post);
    expect(r.status.mtdCny).toBe("7.999999");
    expect(r.fired).toEqual([]);

    await spend("0.000001", "2026-12-10T01:00:00Z"); // exactly 80%
    r = await checkBudgetAlerts(t.prisma, M, "Asia/Shanghai", now, post);
    await r.deliveries;
    expect(r.fired.map((a) => a.threshold)).toEqual([80]);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ type: "budget.alert", merchantId: M, month: "2026-12", threshold: 80, budgetCny: "10.000000", spentCny: "8.000000" });
    expect((await checkBudgetAlerts(t.prisma, M, "Asia/Shanghai", now, post)).fired).toEqual([]);

    await spend("2.000000", "2026-12-10T02:00:00Z");
    const concurrent = await Promise.all([1, 2, 3].map(() => checkBudgetAlerts(t.prisma, M, "Asia/Shanghai", now, async () => { throw new Error("connect ECONNREFUSED"); })));
    await Promise.all(concurrent.map((c) => c.deliveries));
    expect(concurrent.flatMap((c) => c.fired.map((a) => a.threshold))).toEqual([100]);

    const alerts = await alertsForMonth(t.prisma, M, "2026-12");
    expect(alerts.map((a) => [a.threshold, a.spentCny])).toEqual([[80, "8.000000"], [100, "10.000000"]]);
    expect(alerts[0]!.webhookStatus).toBe("delivered (HTTP 204)");
    expect(alerts[1]!.webhookStatus).toContain("failed (connect ECONNREFUSED)");
    const audit = await t.prisma.auditEvent.findMany({ where: { merchantId: M }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["budget.updated", "cost_settings.updated", "budget.alert_fired", "budget.alert_fired"]);

    // a new month starts over
    await setBudget(t.prisma, M, user.id, { month: "2027-01", amount: 100 });
    await spend("1.000000", "2027-01-02T02:00:00Z");
    const jan = await checkBudgetAlerts(t.prisma, M, "Asia/Shanghai", new Date("2027-01-02T04:00:00Z"), post);
    await jan.deliveries;
    expect(jan.fired.map((a) => a.threshold)).toEqual([80, 100]);
  });

  it("forecasts month end from the last 7 days' run rate", async () => {
    const M = "m-forecast";
    await t.prisma.merchant.create({ data: { id: M, name: "F", timeZone: "UTC" } });
    // 1.00 CNY a day from Dec 1 to Dec 10; "today" is Dec 10
    await t.prisma.apiCall.createMany({
      data: Array.from({ length: 10 }, (_, i) => ({ merchantId: M, endpoint: "ai.risk.score", requestId: `f${i}`, latencyMs: 1, attempt: 1, outcome: "SUCCESS", costCny: "1.000000", createdAt: new Date(Date.UTC(2026, 11, 1 + i, 12)) })),
    });
    const s = await budgetStatus(t.prisma, M, "UTC", new Date("2026-12-10T13:00:00Z"));
    expect(s).toMatchObject({ month: "2026-12", mtdCny: "10.000000", runRateCny: "1.00", daysLeft: 21, forecastCny: "31.00", budgetFen: null, crossed: [] });
  });
});
