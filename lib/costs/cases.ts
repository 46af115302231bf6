import { Prisma, type PrismaClient } from "../generated/prisma/client";
import type { DayRange } from "./range";
import type { CaseCounts } from "./unit";

type Db = Pick<PrismaClient, "$queryRaw">;

/** A final outcome was reached. Mirrored by SQL cost_case_resolved() (a test keeps the two equal). */
export const RESOLVED_STATUSES = ["REFUNDED", "REJECTED", "FEEDBACK_SUBMITTED", "CLOSED"] as const;

type RawCounts = { cases: string; resolved: string; auto: string; reviewed: string; handling: string };

const toCounts = (r: RawCounts): CaseCounts => ({
  cases: Number(r.cases),
  resolved: Number(r.resolved),
  autoResolved: Number(r.auto),
  reviewed: Number(r.reviewed),
  handlingMs: Number(r.handling),
});

/** The rollup query behind caseCounts (also EXPLAINed by the benchmark). */
export function caseCountsSql(merchantId: string, range: DayRange): Prisma.Sql {
  return Prisma.sql`
    SELECT coalesce(sum(cases), 0)::text AS cases,
           coalesce(sum(resolved), 0)::text AS resolved,
           coalesce(sum("autoResolved"), 0)::text AS auto,
           coalesce(sum(reviewed), 0)::text AS reviewed,
           coalesce(sum("handlingMs"), 0)::text AS handling
    FROM "CostCaseDaily"
    WHERE "merchantId" = ${merchantId} AND day BETWEEN ${range.from}::date AND ${range.to}::date`;
}

/**
 * Cases created in the range (merchant-local days), from the daily case rollup: how many, resolved,
 * resolved without a person, and measured review time. Reads one row per day, however many cases.
 */
export async function caseCounts(prisma: Db, merchantId: string, range: DayRange): Promise<CaseCounts> {
  const [r] = await prisma.$queryRaw<RawCounts[]>(caseCountsSql(merchantId, range));
  return toCounts(r!);
}

/** The same counts straight from the "Case" rows: for reconciliation and the benchmark's comparison. */
export async function caseCountsFromCases(prisma: Db, merchantId: string, range: DayRange, timeZone: string): Promise<CaseCounts> {
  const resolved = Prisma.sql`status::text IN (${Prisma.join(RESOLVED_STATUSES)})`;
  const [r] = await prisma.$queryRaw<RawCounts[]>`
    SELECT count(*)::text AS cases,
           count(*) FILTER (WHERE ${resolved})::text AS resolved,
           count(*) FILTER (WHERE ${resolved} AND "decidedById" IS NULL)::text AS auto,
           count("handlingMs")::text AS reviewed,
           coalesce(sum("handlingMs"), 0)::text AS handling
    FROM "Case"
    WHERE "merchantId" = ${merchantId}
      AND "createdAt" >= ((${range.from}::date)::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC'
      AND "createdAt" < ((${range.to}::date + 1)::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC'`;
  return toCounts(r!);
}
