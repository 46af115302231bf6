import { Prisma, type PrismaClient } from "../generated/prisma/client";
import type { CaseKind, CaseStatus } from "../generated/prisma/enums";
import { LANE_REASONS, LANES, type Lane, type QueueFilters } from "./schemas";

export const CLAIM_MS = 15 * 60_000;

/**
 * Priority: the time a case is due (dispute deadline, else 24 h after it arrived), brought
 * forward by 6 s per CNY, at most 12 h, so large amounts come first among cases due alike.
 */
const PRIORITY = Prisma.sql`(COALESCE(c."disputeDeadline", c."createdAt" + interval '24 hours') - LEAST(c."requestedAmountFen", 720000) * interval '60 milliseconds')`;

function laneCondition(lane: Lane): Prisma.Sql {
  if (lane === "failed") return Prisma.sql`c.status = 'FAILED'`;
  if (lane === "escalated") return Prisma.sql`c.status = 'ESCALATED'`;
  if (lane === "disputes_due") return Prisma.sql`c.status = 'REVIEW' AND c.kind = 'DISPUTE'`;
  return Prisma.sql`c.status = 'REVIEW' AND c."routeReasons" && ${LANE_REASONS[lane]}::text[]`;
}

function filterConditions(f: QueueFilters): Prisma.Sql[] {
  const parts: Prisma.Sql[] = [];
  if (f.lane) parts.push(laneCondition(f.lane));
  if (f.kind) parts.push(Prisma.sql`c.kind = ${f.kind}::"CaseKind"`);
  if (f.category) parts.push(Prisma.sql`c."merchantCategory" = ${f.category}`);
  if (f.minAmount !== undefined) parts.push(Prisma.sql`c."requestedAmountFen" >= ${f.minAmount}`);
  if (f.maxAmount !== undefined) parts.push(Prisma.sql`c."requestedAmountFen" <= ${f.maxAmount}`);
  if (f.maxAgeHours !== undefined) parts.push(Prisma.sql`c."createdAt" >= now() - make_interval(hours => ${f.maxAgeHours})`);
  return parts;
}

/**
 * Open cases wait for a decision (REVIEW, ESCALATED); the failed lane holds refunds and dispute
 * replies that Alipay refused or whose job gave up, for *Retry refund* and *Reopen reply*.
 * Failed cases are never in the other lanes: a decision on them makes no sense.
 */
function where(merchantId: string, f: QueueFilters) {
  const status = f.lane === "failed" ? laneCondition("failed") : Prisma.sql`c.status IN ('REVIEW', 'ESCALATED')`;
  return Prisma.join([Prisma.sql`c."merchantId" = ${merchantId}`, status, ...filterConditions(f)], " AND ");
}

const OPEN_LANES = LANES.filter((l) => l !== "failed");

/** Counts per lane; total counts the open cases (REVIEW, ESCALATED), not the failed ones. */
export async function laneCounts(prisma: PrismaClient, merchantId: string): Promise<Record<Lane | "total", number>> {
  const selects = Prisma.join(
    OPEN_LANES.map((lane) => Prisma.sql`count(*) FILTER (WHERE ${laneCondition(lane)})::int AS ${Prisma.raw(lane)}`),
    ", ",
  );
  const [row] = await prisma.$queryRaw<Record<Lane | "total", number>[]>`
    SELECT ${selects}, count(*)::int AS total,
           (SELECT count(*)::int FROM "Case" c WHERE c."merchantId" = ${merchantId} AND ${laneCondition("failed")}) AS failed
    FROM "Case" c WHERE c."merchantId" = ${merchantId} AND c.status IN ('REVIEW', 'ESCALATED')`;
  return row!;
}

export interface QueueRow {
  id: string;
  kind: CaseKind;
  status: CaseStatus;
  outTradeNo: string;
  requestedAmountFen: number;
  merchantCategory: string;
  routeReasons: string[];
  createdAt: Date;
  dueAt: Date;
  claimedById: string | null;
  claimedByName: string | null;
  claimExpiresAt: Date | null;
  version: number;
  riskScore: string | null;
  confidence: string | null;
  recommendation: string | null;
  lastError: string | null;
}

/**
 * Runs a queue read with sorting discouraged, so the planner walks Case_queue_priority_idx in
 * order. The statistics cannot estimate how many open cases carry a reason (array overlap), and
 * a wrong guess made it fetch and sort every open case of the merchant: 0.5 s at 1M cases
 * instead of a few ms (docs/benchmarks.md).
 */
async function inPriorityOrder<T>(prisma: PrismaClient, query: Prisma.PrismaPromise<T>): Promise<T> {
  const [, rows] = await prisma.$transaction([prisma.$executeRaw`SET LOCAL enable_sort = off`, query]);
  return rows;
}

export async function listQueue(prisma: PrismaClient, merchantId: string, filters: QueueFilters, limit = 100): Promise<QueueRow[]> {
  return inPriorityOrder(prisma, prisma.$queryRaw<QueueRow[]>`
    SELECT c.id, c.kind, c.status, c."outTradeNo", c."requestedAmountFen", c."merchantCategory", c."routeReasons", c."createdAt",
           COALESCE(c."disputeDeadline", c."createdAt" + interval '24 hours') AS "dueAt",
           CASE WHEN c."claimExpiresAt" > now() THEN c."claimedById" END AS "claimedById",
           CASE WHEN c."claimExpiresAt" > now() THEN u.name END AS "claimedByName",
           CASE WHEN c."claimExpiresAt" > now() THEN c."claimExpiresAt" END AS "claimExpiresAt",
           c.version, d."riskScore"::text AS "riskScore", d.confidence::text AS confidence, d.recommendation,
           c."lastError"
    FROM "Case" c
    LEFT JOIN "User" u ON u.id = c."claimedById"
    LEFT JOIN LATERAL (SELECT "riskScore", confidence, recommendation FROM "AiDecision" WHERE "merchantId" = c."merchantId" AND "caseId" = c.id ORDER BY "createdAt" DESC LIMIT 1) d ON true
    WHERE ${where(merchantId, filters)}
    ORDER BY ${PRIORITY}, c.id
    LIMIT ${limit}`);
}

/** Claims the highest-priority open case nobody else holds, atomically; null when none is left. */
export async function claimNext(prisma: PrismaClient, merchantId: string, userId: string, filters: QueueFilters = {}, now = new Date()): Promise<string | null> {
  const rows = await inPriorityOrder(prisma, prisma.$queryRaw<{ id: string }[]>`
    UPDATE "Case" SET "claimedById" = ${userId}, "claimedAt" = ${now}, "claimExpiresAt" = ${new Date(now.getTime() + CLAIM_MS)}
    WHERE id = (
      SELECT c.id FROM "Case" c
      WHERE ${where(merchantId, filters)}
        AND (c."claimedById" IS NULL OR c."claimExpiresAt" < ${now})
      ORDER BY ${PRIORITY}, c.id
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id`);
  return rows[0]?.id ?? null;
}
