import type { PrismaClient } from "../generated/prisma/client";
import { budgetStatus, costSettings, type BudgetStatus } from "./budget";
import { caseCounts } from "./cases";
import { dailyCost, spendBy, spendViews, totalsOf, type SeriesCell, type SpendRow, type SpendTotals } from "./queries";
import type { DayRange, Granularity } from "./range";
import { batchSaved, unitEconomics, type UnitEconomics } from "./unit";

export interface CostsPageData {
  range: DayRange;
  granularity: Granularity;
  totals: SpendTotals;
  series: SeriesCell[];
  byPeriod: SpendRow[];
  byEndpoint: SpendRow[];
  byWorkflow: SpendRow[];
  byTier: SpendRow[];
  byOutcome: SpendRow[];
  byMerchant: SpendRow[];
  unit: UnitEconomics;
  budget: BudgetStatus;
}

/** What the unit economics need besides the API cost, read alongside it. */
async function unitInputs(prisma: PrismaClient, merchantId: string, range: DayRange) {
  const [batchDaily, cases, settings] = await Promise.all([dailyCost(prisma, merchantId, range, "batch"), caseCounts(prisma, merchantId, range), costSettings(prisma, merchantId)]);
  return { cases, hourlyRateFen: settings.reviewHourlyRateFen, batchSavedCny: batchSaved(batchDaily) };
}

const unitOf = (apiCostCny: string, i: Awaited<ReturnType<typeof unitInputs>>) => unitEconomics(apiCostCny, i.cases, i.hourlyRateFen, i.batchSavedCny);

/** Everything the costs page shows, from the daily spend and case rollups. */
export async function costsPageData(
  prisma: PrismaClient,
  args: { merchantId: string; timeZone: string; range: DayRange; granularity: Granularity; now: Date; merchantIds?: readonly string[] },
): Promise<CostsPageData> {
  const { merchantId, range, granularity, timeZone } = args;
  const [views, byMerchant, unit, budget] = await Promise.all([
    spendViews(prisma, merchantId, range, granularity),
    args.merchantIds && args.merchantIds.length > 1 ? spendBy(prisma, args.merchantIds, range, "merchant") : Promise.resolve([]),
    unitInputs(prisma, merchantId, range),
    budgetStatus(prisma, merchantId, timeZone, args.now),
  ]);
  const totals = totalsOf(views.byWorkflow);
  return { range, granularity, totals, ...views, byMerchant, unit: unitOf(totals.costCny, unit), budget };
}

/** The unit-economics card and the budget panel alone (the summary CSV): the same figures as the page. */
export async function costsSummary(prisma: PrismaClient, args: { merchantId: string; timeZone: string; range: DayRange; now: Date }): Promise<{ unit: UnitEconomics; budget: BudgetStatus }> {
  const [byWorkflow, unit, budget] = await Promise.all([
    spendBy(prisma, [args.merchantId], args.range, "workflow"),
    unitInputs(prisma, args.merchantId, args.range),
    budgetStatus(prisma, args.merchantId, args.timeZone, args.now),
  ]);
  return { unit: unitOf(totalsOf(byWorkflow).costCny, unit), budget };
}
