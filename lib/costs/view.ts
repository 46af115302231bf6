import { Prisma, type PrismaClient } from "../generated/prisma/client";
import { budgetStatus, costSettings, type BudgetStatus } from "./budget";
import { dailyCost, spendBy, spendViews, totalsOf, type SeriesCell, type SpendRow, type SpendTotals } from "./queries";
import type { DayRange, Granularity } from "./range";
import { batchSaved, unitEconomics, type CaseCounts, type UnitEconomics } from "./unit";

export const RESOLVED_STATUSES = ["REFUNDED", "REJECTED", "FEEDBACK_SUBMITTED", "CLOSED"] as const;

/** Cases created in the range (merchant-local days): how many, resolved, resolved without a person, reviewed time. */
export async function caseCounts(prisma: PrismaClient, merchantId: string, range: DayRange, timeZone: string): Promise<CaseCounts> {
  const [r] = await prisma.$queryRaw<{ cases: bigint; resolved: bigint; auto: bigint; reviewed: bigint; handling: string }[]>`
    SELECT count(*) AS cases,
           count(*) FILTER (WHERE status::text IN (${Prisma.join(RESOLVED_STATUSES)})) AS resolved,
           count(*) FILTER (WHERE status::text IN (${Prisma.join(RESOLVED_STATUSES)}) AND "decidedById" IS NULL) AS auto,
           count(*) FILTER (WHERE "handlingMs" IS NOT NULL) AS reviewed,
           coalesce(sum("handlingMs"), 0)::text AS handling
    FROM "Case"
    WHERE "merchantId" = ${merchantId}
      AND "createdAt" >= ((${range.from}::date)::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC'
      AND "createdAt" < ((${range.to}::date + 1)::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC'`;
  return { cases: Number(r!.cases), resolved: Number(r!.resolved), autoResolved: Number(r!.auto), reviewed: Number(r!.reviewed), handlingMs: Number(r!.handling) };
}

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

/** Everything the costs page shows, from the daily rollup plus one pass over the range's cases. */
export async function costsPageData(
  prisma: PrismaClient,
  args: { merchantId: string; timeZone: string; range: DayRange; granularity: Granularity; now: Date; merchantIds?: readonly string[] },
): Promise<CostsPageData> {
  const { merchantId, range, granularity, timeZone } = args;
  const [views, byMerchant, batchDaily, cases, settings, budget] = await Promise.all([
    spendViews(prisma, merchantId, range, granularity),
    args.merchantIds && args.merchantIds.length > 1 ? spendBy(prisma, args.merchantIds, range, "merchant") : Promise.resolve([]),
    dailyCost(prisma, merchantId, range, "batch"),
    caseCounts(prisma, merchantId, range, timeZone),
    costSettings(prisma, merchantId),
    budgetStatus(prisma, merchantId, timeZone, args.now),
  ]);
  const totals = totalsOf(views.byWorkflow);
  return {
    range,
    granularity,
    totals,
    ...views,
    byMerchant,
    unit: unitEconomics(totals.costCny, cases, settings.reviewHourlyRateFen, batchSaved(batchDaily)),
    budget,
  };
}
