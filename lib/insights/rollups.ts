import type { Prisma, PrismaClient } from "../generated/prisma/client";

/**
 * The insights rollups are kept current by triggers (prisma/migrations/20261202031500_insights_rollups):
 * AiDecision inserts feed the score / confidence bins, Case inserts and updates (and new decisions
 * and disputes of a case) move a refund case between outcome rows. Days are Asia/Shanghai days.
 * After a bulk load with triggers disabled, rebuildInsightsRollups recomputes both from raw rows.
 */

type Db = PrismaClient | Prisma.TransactionClient;

/** The decision rollup as one aggregate over raw rows (what the triggers add up to). */
export const RAW_DECISION_AGGREGATE = `
  SELECT d."merchantId", insights_day(d."createdAt") AS day, m.metric, coalesce(d."modelVersion", '') AS "modelVersion", c."merchantCategory", c."crossBorder",
         insights_amount_band(c."requestedAmountFen") AS "amountBand", coalesce(d.recommendation, '') AS recommendation,
         insights_bin(CASE WHEN m.metric = 0 THEN d."riskScore" ELSE d.confidence END) AS bin, count(*)::int AS count
  FROM "AiDecision" d JOIN "Case" c ON c.id = d."caseId" CROSS JOIN (VALUES (0::smallint), (1::smallint)) m(metric)
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`;

/** The outcome rollup as one aggregate over raw rows: refund cases with their latest decision. */
export const RAW_OUTCOME_AGGREGATE = `
  SELECT c."merchantId", insights_day(c."createdAt") AS day, coalesce(ld."modelVersion", '') AS "modelVersion", c."merchantCategory", c."crossBorder",
         insights_amount_band(c."requestedAmountFen") AS "amountBand", coalesce(ld.recommendation, '') AS recommendation, coalesce(c.route::text, '') AS route,
         coalesce(c."decisionCode", '') AS "decisionCode", coalesce(c."decidedById", '') AS "agentId", o.outcome,
         (o.outcome = 'APPROVED' AND dt."outTradeNo" IS NOT NULL) AS disputed, count(*)::int AS count
  FROM "Case" c
  CROSS JOIN LATERAL (SELECT insights_outcome(c.status, c."approvedAmountFen") AS outcome) o
  LEFT JOIN (SELECT DISTINCT ON ("caseId") "caseId", "modelVersion", recommendation FROM "AiDecision" ORDER BY "caseId", "createdAt" DESC, id DESC) ld ON ld."caseId" = c.id
  LEFT JOIN (SELECT DISTINCT "merchantId", "outTradeNo" FROM "Case" WHERE kind = 'DISPUTE') dt ON dt."merchantId" = c."merchantId" AND dt."outTradeNo" = c."outTradeNo"
  WHERE c.kind = 'REFUND'
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12`;

/**
 * Recomputes both rollups from raw rows, one INSERT … SELECT each, in one transaction.
 */
export async function rebuildInsightsRollups(prisma: PrismaClient): Promise<void> {
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`DELETE FROM "InsightsDecisionRollup"`);
      await tx.$executeRawUnsafe(`DELETE FROM "InsightsOutcomeRollup"`);
      await tx.$executeRawUnsafe(`INSERT INTO "InsightsDecisionRollup" ("merchantId", day, metric, "modelVersion", "merchantCategory", "crossBorder", "amountBand", recommendation, bin, count) ${RAW_DECISION_AGGREGATE}`);
      await tx.$executeRawUnsafe(
        `INSERT INTO "InsightsOutcomeRollup" ("merchantId", day, "modelVersion", "merchantCategory", "crossBorder", "amountBand", recommendation, route, "decisionCode", "agentId", outcome, disputed, count) ${RAW_OUTCOME_AGGREGATE}`,
      );
    },
    { timeout: 600_000 },
  );
}

/** Rollup rows that differ from the raw aggregate (both directions); zero-count rows are ignored. */
export async function rollupDifferences(db: Db): Promise<{ decisions: number; outcomes: number }> {
  const diff = async (table: string, raw: string) => {
    const [row] = await db.$queryRawUnsafe<{ n: bigint }[]>(`
      WITH r AS (SELECT * FROM "${table}" WHERE count <> 0), a AS (${raw})
      SELECT count(*) AS n FROM ((SELECT * FROM r EXCEPT ALL SELECT * FROM a) UNION ALL (SELECT * FROM a EXCEPT ALL SELECT * FROM r)) x`);
    return Number(row!.n);
  };
  return { decisions: await diff("InsightsDecisionRollup", RAW_DECISION_AGGREGATE), outcomes: await diff("InsightsOutcomeRollup", RAW_OUTCOME_AGGREGATE) };
}
