import { Prisma, type PrismaClient } from "../generated/prisma/client";
import { currentThresholds } from "../policy/store";
import type { Filters } from "./schemas";
import { buildInsights, shanghaiDay, windows, type Aggregates, type InsightsView, type WindowDays } from "./series";

type Db = PrismaClient | Prisma.TransactionClient;

/** The rollup filters as SQL (columns shared by both rollups). */
function where(filters: Filters): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (filters.category !== undefined) parts.push(Prisma.sql`AND "merchantCategory" = ${filters.category}`);
  if (filters.modelVersion !== undefined) parts.push(Prisma.sql`AND "modelVersion" = ${filters.modelVersion}`);
  if (filters.crossBorder !== undefined) parts.push(Prisma.sql`AND "crossBorder" = ${filters.crossBorder}`);
  if (filters.amountBand !== undefined) parts.push(Prisma.sql`AND "amountBand" = ${filters.amountBand}::smallint`);
  return parts.length ? Prisma.join(parts, " ") : Prisma.empty;
}

const POLICY_CHANGES = ["policy.updated", "policy.approved", "policy.rolled_back"];

/** Everything the page draws, as small aggregates over the rollups (a few thousand rows at most). */
export async function loadAggregates(prisma: Db, merchantId: string, today: string, days: WindowDays, filters: Filters): Promise<Aggregates> {
  const r = windows(today, days);
  const f = where(filters);
  const range = Prisma.sql`"merchantId" = ${merchantId} AND day BETWEEN ${r.earliest}::date AND ${today}::date`;
  const [bins, mix, outcomes, fraud, changes] = await Promise.all([
    prisma.$queryRaw<{ day: string; metric: number; bin: number; count: number }[]>`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, metric::int AS metric, bin::int AS bin, sum(count)::int AS count
      FROM "InsightsDecisionRollup" WHERE ${range} ${f} GROUP BY day, metric, bin`,
    prisma.$queryRaw<{ day: string; modelVersion: string; recommendation: string; count: number }[]>`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, "modelVersion", recommendation, sum(count)::int AS count
      FROM "InsightsDecisionRollup" WHERE ${range} AND metric = 0 ${f} GROUP BY day, "modelVersion", recommendation`,
    prisma.$queryRaw<Aggregates["outcomes"]>`
      SELECT "modelVersion", recommendation, route, "decisionCode", "agentId", outcome, disputed, sum(count)::int AS count
      FROM "InsightsOutcomeRollup" WHERE "merchantId" = ${merchantId} AND day BETWEEN ${r.window.from}::date AND ${today}::date ${f}
      GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(count) <> 0`,
    prisma.$queryRaw<Aggregates["fraud"]>`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(count)::int AS cases,
             coalesce(sum(count) FILTER (WHERE ("agentId" <> '' AND outcome = 'REJECTED') OR disputed), 0)::int AS fraud
      FROM "InsightsOutcomeRollup" WHERE ${range} ${f} GROUP BY day`,
    prisma.$queryRaw<{ day: string; version: string }[]>`
      SELECT to_char(insights_day("createdAt"), 'YYYY-MM-DD') AS day, "targetId" AS version FROM "AuditEvent"
      WHERE "merchantId" = ${merchantId} AND "targetType" = 'policy' AND action IN (${Prisma.join(POLICY_CHANGES)})
        AND "createdAt" >= ${new Date(`${r.earliest}T00:00:00+08:00`)} ORDER BY "createdAt"`,
  ]);
  return { bins, mix, outcomes, fraud, thresholdChanges: changes };
}

export interface InsightsPageData {
  view: InsightsView;
  thresholds: { version: number; autoApproveBelow: number; autoRejectAtOrAbove: number; confidenceFloor: number };
  options: { categories: string[]; modelVersions: string[] };
  agents: Record<string, string>;
}

/** The page's data: aggregates, the thresholds in force, filter choices and agent names. */
export async function loadInsights(prisma: PrismaClient, merchantId: string, { now = new Date(), days = 14 as WindowDays, filters = {} as Filters } = {}): Promise<InsightsPageData> {
  const today = shanghaiDay(now);
  const earliest = windows(today, days).earliest;
  const [aggregates, th, options] = await Promise.all([
    loadAggregates(prisma, merchantId, today, days, filters),
    currentThresholds(prisma, merchantId),
    prisma.$queryRaw<{ modelVersion: string; merchantCategory: string }[]>`
      SELECT "modelVersion", "merchantCategory" FROM "InsightsDecisionRollup"
      WHERE "merchantId" = ${merchantId} AND day BETWEEN ${earliest}::date AND ${today}::date AND metric = 0 GROUP BY 1, 2`,
  ]);
  const view = buildInsights(today, days, aggregates);
  const agentIds = [...new Set(aggregates.outcomes.map((o) => o.agentId).filter((a) => a !== ""))];
  const users = agentIds.length ? await prisma.user.findMany({ where: { id: { in: agentIds } }, select: { id: true, name: true } }) : [];
  return {
    view,
    thresholds: { version: th.version, autoApproveBelow: th.autoApproveBelow, autoRejectAtOrAbove: th.autoRejectAtOrAbove, confidenceFloor: th.confidenceFloor },
    options: {
      categories: [...new Set(options.map((o) => o.merchantCategory))].sort(),
      modelVersions: [...new Set(options.map((o) => o.modelVersion).filter((m) => m !== ""))].sort(),
    },
    agents: Object.fromEntries(users.map((u) => [u.id, u.name])),
  };
}
