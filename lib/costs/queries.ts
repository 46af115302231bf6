import { Prisma, type PrismaClient } from "../generated/prisma/client";
import { fromMicro, toMicro } from "./decimal";
import type { CostView, DayRange, Granularity } from "./range";
import type { SpendRow, SpendTotals } from "./rows";

export { totalsOf, type SpendRow, type SpendTotals } from "./rows";

type Db = Pick<PrismaClient, "$queryRaw" | "$executeRaw">;

const KEY_SQL: Record<CostView, string> = {
  day: `to_char(day, 'YYYY-MM-DD')`,
  week: `to_char(date_trunc('week', day), 'YYYY-MM-DD')`,
  month: `to_char(day, 'YYYY-MM')`,
  endpoint: `endpoint`,
  workflow: `workflow`,
  tier: `tier`,
  outcome: `CASE WHEN failed THEN 'failed' ELSE 'success' END`,
  merchant: `"merchantId"`,
};

const SUMS = Prisma.raw(`
  sum(calls)::text AS calls,
  coalesce(sum(calls) FILTER (WHERE failed), 0)::text AS "failedCalls",
  sum("retriedCalls")::text AS "retriedCalls",
  sum("costCny")::text AS "costCny",
  coalesce(sum("costCny") FILTER (WHERE failed), 0)::text AS "failedCostCny",
  sum("retriedCostCny")::text AS "retriedCostCny",
  sum("feeCny")::text AS "feeCny"`);

type RawRow = { key: string } & Record<Exclude<keyof SpendRow, "key">, string>;

const dec = (s: string) => fromMicro(toMicro(s));
function toRow(r: RawRow): SpendRow {
  return {
    key: r.key,
    calls: Number(r.calls),
    failedCalls: Number(r.failedCalls),
    retriedCalls: Number(r.retriedCalls),
    costCny: dec(r.costCny),
    failedCostCny: dec(r.failedCostCny),
    retriedCostCny: dec(r.retriedCostCny),
    feeCny: dec(r.feeCny),
  };
}

/** Spend of one view over the daily rollup (never the raw ledger), for one or several merchants. */
export async function spendBy(prisma: Db, merchantIds: readonly string[], range: DayRange, view: CostView): Promise<SpendRow[]> {
  if (merchantIds.length === 0) return [];
  const rows = await prisma.$queryRaw<RawRow[]>`
    SELECT ${Prisma.raw(KEY_SQL[view])} AS key, ${SUMS}
    FROM "CostDaily"
    WHERE "merchantId" = ANY(${[...merchantIds]}::text[]) AND day BETWEEN ${range.from}::date AND ${range.to}::date
    GROUP BY 1 ORDER BY 1`;
  return rows.map(toRow);
}

export interface SpendViews {
  byPeriod: SpendRow[];
  byEndpoint: SpendRow[];
  byWorkflow: SpendRow[];
  byTier: SpendRow[];
  byOutcome: SpendRow[];
  series: SeriesCell[];
}

/** All of one merchant's views in one pass over the rollup (GROUPING SETS), for the page. */
export async function spendViews(prisma: Db, merchantId: string, range: DayRange, g: Granularity): Promise<SpendViews> {
  const period = Prisma.raw(KEY_SQL[g]);
  const rows = await prisma.$queryRaw<(RawRow & { set: number; workflow: string | null })[]>`
    SELECT GROUPING(${period}, endpoint, workflow, tier, failed) AS set,
           coalesce(${period}, endpoint, tier, CASE WHEN failed THEN 'failed' WHEN NOT failed THEN 'success' END, workflow) AS key,
           workflow, ${SUMS}
    FROM "CostDaily"
    WHERE "merchantId" = ${merchantId} AND day BETWEEN ${range.from}::date AND ${range.to}::date
    GROUP BY GROUPING SETS ((${period}), (endpoint), (workflow), (tier), (failed), (${period}, workflow))
    ORDER BY 1, 2, 3`;
  // GROUPING bits, left to right: period, endpoint, workflow, tier, failed (1 = not in the set)
  const pick = (set: number) => rows.filter((r) => Number(r.set) === set).map(toRow);
  return {
    byPeriod: pick(0b01111),
    byEndpoint: pick(0b10111),
    byWorkflow: pick(0b11011),
    byTier: pick(0b11101),
    byOutcome: pick(0b11110),
    series: rows.filter((r) => Number(r.set) === 0b01011).map((r) => ({ period: r.key, workflow: r.workflow!, costCny: dec(r.costCny), feeCny: dec(r.feeCny) })),
  };
}

export interface SeriesCell {
  period: string;
  workflow: string;
  costCny: string;
  feeCny: string;
}

/** API spend per period and workflow, for the stacked chart. */
export async function spendSeries(prisma: Db, merchantId: string, range: DayRange, g: Granularity): Promise<SeriesCell[]> {
  const rows = await prisma.$queryRaw<{ period: string; workflow: string; costCny: string; feeCny: string }[]>`
    SELECT ${Prisma.raw(KEY_SQL[g])} AS period, workflow, sum("costCny")::text AS "costCny", sum("feeCny")::text AS "feeCny"
    FROM "CostDaily"
    WHERE "merchantId" = ${merchantId} AND day BETWEEN ${range.from}::date AND ${range.to}::date
    GROUP BY 1, 2 ORDER BY 1, 2`;
  return rows.map((r) => ({ period: r.period, workflow: r.workflow, costCny: dec(r.costCny), feeCny: dec(r.feeCny) }));
}

/** API cost per local day (used by the budget: month to date, run rate, burn-down). */
export async function dailyCost(prisma: Db, merchantId: string, range: DayRange, tier?: string): Promise<{ day: string; costCny: string }[]> {
  const rows = await prisma.$queryRaw<{ day: string; costCny: string }[]>`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, sum("costCny")::text AS "costCny"
    FROM "CostDaily"
    WHERE "merchantId" = ${merchantId} AND day BETWEEN ${range.from}::date AND ${range.to}::date
      AND (${tier ?? null}::text IS NULL OR tier = ${tier ?? null}::text)
    GROUP BY 1 ORDER BY 1`;
  return rows.map((r) => ({ day: r.day, costCny: dec(r.costCny) }));
}

/** The same totals straight from the ledger: for reconciliation and the benchmark's comparison. */
export async function ledgerTotals(prisma: Db, merchantId: string, range: DayRange, timeZone: string): Promise<SpendTotals> {
  const [r] = await prisma.$queryRaw<RawRow[]>`
    SELECT '' AS key,
      count(*)::text AS calls,
      count(*) FILTER (WHERE outcome <> 'SUCCESS')::text AS "failedCalls",
      count(*) FILTER (WHERE attempt > 1)::text AS "retriedCalls",
      coalesce(sum("costCny"), 0)::text AS "costCny",
      coalesce(sum("costCny") FILTER (WHERE outcome <> 'SUCCESS'), 0)::text AS "failedCostCny",
      coalesce(sum("costCny") FILTER (WHERE attempt > 1), 0)::text AS "retriedCostCny",
      coalesce(sum("feeCny"), 0)::text AS "feeCny"
    FROM "ApiCall"
    WHERE "merchantId" = ${merchantId}
      AND "createdAt" >= ((${range.from}::date)::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC'
      AND "createdAt" < ((${range.to}::date + 1)::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC'`;
  const { key: _key, ...totals } = toRow(r!);
  return totals;
}

/**
 * Recomputes both rollups, spend from the ledger and cases from "Case" (after a bulk load that
 * bypassed the triggers, or a time-zone change). Two statements, so each locks only its own table.
 */
export async function rebuildCostRollups(prisma: Db, merchantId: string | null = null): Promise<{ spendRows: number; caseRows: number }> {
  const [spend] = await prisma.$queryRaw<{ n: bigint }[]>`SELECT cost_daily_rebuild(${merchantId}::text) AS n`;
  const [cases] = await prisma.$queryRaw<{ n: bigint }[]>`SELECT cost_case_daily_rebuild(${merchantId}::text) AS n`;
  return { spendRows: Number(spend!.n), caseRows: Number(cases!.n) };
}
