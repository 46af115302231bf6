import { Prisma, type PrismaClient } from "../generated/prisma/client";
import type { Limits, Reason, RouteName, Thresholds } from "./route";

/**
 * What-if: replays a candidate threshold set over the stored AI decisions of the last 7 / 30 / 90
 * days, next to the version in force, entirely in PostgreSQL (one aggregate statement plus one
 * for examples); only aggregates come back to Node.
 *
 * Population: per case, its latest AiDecision with createdAt in (now − days, now], joined to the
 * Case of the same merchant. Replay view of a case is its state at intake: kind, requested and
 * paid amounts, refundedAmountFen := 0 (what routeCase saw when it first routed it; later refunds
 * must not make a replayed case look "exceeds refundable"), merchantCategory. AI view: ok iff
 * riskScore IS NOT NULL; a missing confidence counts as NaN in routeCase (→ LOW_CONFIDENCE).
 */

export type WindowDays = 7 | 30 | 90;
export const ROUTES = ["AUTO_APPROVE", "REVIEW", "AUTO_REJECT"] as const satisfies readonly RouteName[];
/** Used when no decided case in the window has a measured handling time. */
export const DEFAULT_HANDLING_MS = 240_000;
export const BUCKETS = 20;

export interface Lane {
  cases: number;
  amountFen: number;
}
export type Lanes = Record<RouteName, Lane>;

export interface MovedCell {
  from: RouteName;
  to: RouteName;
  cases: number;
  amountFen: number;
}

export interface WrongKind {
  /** Stored decisions of this kind in the window. */
  cases: number;
  /** Of those, how many the candidate routes differently from the version in force. */
  routedDifferently: number;
}

export interface WrongExample {
  caseId: string;
  kind: "DISPUTED_AFTER_AUTO_APPROVE" | "REFUNDED_AFTER_AUTO_REJECT";
  current: RouteName;
  candidate: RouteName;
}

export interface WhatIfResult {
  days: WindowDays;
  from: Date;
  to: Date;
  total: number;
  lanes: { current: Lanes; candidate: Lanes; change: Lanes };
  /** Every non-empty current → candidate cell, including the diagonal (unchanged). */
  moved: MovedCell[];
  autoApprovedFen: { current: number; candidate: number; change: number };
  workload: {
    meanHandlingMs: number;
    sample: number;
    estimated: boolean;
    current: { reviewCases: number; hours: number };
    candidate: { reviewCases: number; hours: number };
    changeHours: number;
  };
  wrong: {
    disputedAfterAutoApprove: WrongKind;
    refundedAfterAutoReject: WrongKind;
    /** Up to 20, newest first; those the candidate routes differently come first. */
    examples: WrongExample[];
  };
  /** Risk score in 20 buckets of width 0.05 over [0, 1]; a score of exactly 1 falls in the last. */
  histogram: { bucket: number; from: number; to: number; count: number }[];
  /** Risk (x) × confidence (y) buckets, 20 × 20 over [0, 1]²; only non-zero cells. */
  density: { risk: number; confidence: number; count: number }[];
  thresholds: Thresholds;
  computedMs: number;
}

export interface WhatIfInput {
  current: Thresholds;
  candidate: Thresholds;
  days: WindowDays;
  now?: Date;
}

type Reader = PrismaClient | Prisma.TransactionClient;
type LimitKey = keyof Limits;

const DAY_MS = 86_400_000;

/** The limit that applies to the row's category: CASE over the overridden categories, bound values. */
function limitSql(th: Thresholds, key: LimitKey): Prisma.Sql {
  const whens: Prisma.Sql[] = [];
  for (const [category, o] of Object.entries(th.overrides ?? {})) {
    // limitsFor ignores an empty category and falls back on null/undefined (`??`).
    const v = o?.[key];
    if (category === "" || v === undefined || v === null) continue;
    whens.push(Prisma.sql`WHEN ${category} THEN ${v}::float8`);
  }
  const base = Prisma.sql`${th[key]}::float8`;
  return whens.length ? Prisma.sql`(CASE c."merchantCategory" ${Prisma.join(whens, " ")} ELSE ${base} END)` : base;
}

/**
 * routeCase in SQL: 0 = AUTO_APPROVE, 1 = REVIEW, 2 = AUTO_REJECT. Expects the columns
 * c.kind, c."requestedAmountFen", c."paidAmountFen", c."merchantCategory" and d.s (risk, float8),
 * d.f (confidence, float8), d.rec. Scores compare as float8, as the JS numbers do.
 */
export function routeSql(th: Thresholds): Prisma.Sql {
  const approveBelow = limitSql(th, "autoApproveBelow");
  const rejectAt = limitSql(th, "autoRejectAtOrAbove");
  const floor = limitSql(th, "confidenceFloor");
  const hitl = limitSql(th, "hitlLimitFen");
  // refundedAmountFen := 0 at intake, so "exceeds refundable" is requested > paid.
  const person = Prisma.sql`(c.kind = 'DISPUTE' OR c."requestedAmountFen" > c."paidAmountFen" OR c."requestedAmountFen"::float8 > ${hitl})`;
  const low = Prisma.sql`(d.s < ${approveBelow})`;
  const high = Prisma.sql`(d.s >= ${rejectAt})`;
  const unavailable = th.aiUnavailable === "AUTO_REJECT" ? Prisma.sql`CASE WHEN ${person} THEN 1 ELSE 2 END` : Prisma.sql`1`;
  const highReview = th.highRiskAction === "REVIEW" ? Prisma.sql`OR ${high}` : Prisma.empty;
  // `IS NOT TRUE` mirrors `!(confidence >= floor)` for a missing confidence; PostgreSQL sorts NaN above 1.
  return Prisma.sql`(CASE
    WHEN d.s IS NULL THEN ${unavailable}
    WHEN ${person} OR d.rec IS NOT DISTINCT FROM 'REVIEW' OR (d.f >= ${floor}) IS NOT TRUE
      OR (NOT ${low} AND NOT ${high})
      OR (${low} AND d.rec IS NOT DISTINCT FROM 'REJECT') OR (${high} AND d.rec IS NOT DISTINCT FROM 'PASS')
      OR d.s < 0 OR d.s > 1 ${highReview} THEN 1
    WHEN ${low} THEN 0
    ELSE 2 END)::int`;
}

function window(days: WindowDays, now: Date) {
  return { from: new Date(now.getTime() - days * DAY_MS), to: now };
}

/** Latest decision per case in the window, with its case; the FROM clause every statement shares. */
function population(merchantId: string, from: Date, to: Date): Prisma.Sql {
  return Prisma.sql`(
    SELECT DISTINCT ON (x."caseId") x."caseId", x."createdAt", x."riskScore"::float8 AS s, x.confidence::float8 AS f,
           x.recommendation AS rec, x.route AS stored
    FROM "AiDecision" x
    WHERE x."merchantId" = ${merchantId}
      AND x."createdAt" > (${from.toISOString()}::timestamptz AT TIME ZONE 'UTC')
      AND x."createdAt" <= (${to.toISOString()}::timestamptz AT TIME ZONE 'UTC')
    ORDER BY x."caseId", x."createdAt" DESC, x.id DESC
  ) d
  JOIN "Case" c ON c.id = d."caseId" AND c."merchantId" = ${merchantId}`;
}

/** Replayed route of every case in the window under one threshold set (for tests and drill-down). */
export async function replayRoutes(
  prisma: Reader,
  merchantId: string,
  thresholds: Thresholds,
  days: WindowDays,
  now = new Date(),
): Promise<Map<string, { route: RouteName; reasons?: Reason[] }>> {
  const { from, to } = window(days, now);
  const rows = await prisma.$queryRaw<{ id: string; r: number }[]>`
    SELECT c.id, ${routeSql(thresholds)} AS r FROM ${population(merchantId, from, to)}`;
  return new Map(rows.map((row) => [row.id, { route: ROUTES[row.r]! }]));
}

interface GroupRow {
  cur: number;
  cand: number;
  rb: number | null;
  cb: number | null;
  n: number;
  amount: bigint | number;
  hsum: bigint | number | null;
  hn: number;
  wd: number;
  wdm: number;
  wr: number;
  wrm: number;
}

const num = (v: bigint | number | null | undefined) => (v === null || v === undefined ? 0 : Number(v));
const emptyLanes = (): Lanes => ({ AUTO_APPROVE: { cases: 0, amountFen: 0 }, REVIEW: { cases: 0, amountFen: 0 }, AUTO_REJECT: { cases: 0, amountFen: 0 } });

function parts(merchantId: string, input: WhatIfInput) {
  const { from, to } = window(input.days, input.now ?? new Date());
  const pop = population(merchantId, from, to);
  const cur = routeSql(input.current);
  const cand = routeSql(input.candidate);
  // Disputes only for this merchant, newest per order: a small hash the population probes once.
  const disputes = Prisma.sql`(SELECT "outTradeNo", max("createdAt") AS at FROM "Case"
      WHERE "merchantId" = ${merchantId} AND kind = 'DISPUTE' GROUP BY "outTradeNo")`;
  const wrongD = Prisma.sql`(d.stored = 'AUTO_APPROVE' AND w.at > d."createdAt")`;
  const wrongR = Prisma.sql`(d.stored = 'AUTO_REJECT' AND c.status = 'REFUNDED' AND c."decidedById" IS NOT NULL)`;
  return { from, to, pop, cur, cand, disputes, wrongD, wrongR };
}

/**
 * The main statement: one pass, grouped by (current, candidate, risk bucket, confidence bucket),
 * at most a few thousand small rows from which lanes, the matrix, histogram and density follow.
 */
export function whatIfSql(merchantId: string, input: WhatIfInput): Prisma.Sql {
  const { pop, cur, cand, disputes, wrongD, wrongR } = parts(merchantId, input);
  const bucket = (col: Prisma.Sql) => Prisma.sql`LEAST(GREATEST(width_bucket(${col}, 0, 1, ${BUCKETS}), 1), ${BUCKETS})`;
  return Prisma.sql`
    SELECT cur, cand, rb, cb, count(*)::int AS n, sum(req)::bigint AS amount,
           sum(h) FILTER (WHERE decided)::bigint AS hsum, count(h) FILTER (WHERE decided)::int AS hn,
           count(*) FILTER (WHERE wd)::int AS wd, count(*) FILTER (WHERE wd AND cur <> cand)::int AS wdm,
           count(*) FILTER (WHERE wr)::int AS wr, count(*) FILTER (WHERE wr AND cur <> cand)::int AS wrm
    FROM (
      SELECT ${cur} AS cur, ${cand} AS cand,
             CASE WHEN d.s IS NOT NULL AND d.s <> 'NaN'::float8 THEN ${bucket(Prisma.sql`d.s`)} END AS rb,
             CASE WHEN d.f IS NOT NULL AND d.f <> 'NaN'::float8 THEN ${bucket(Prisma.sql`d.f`)} END AS cb,
             c."requestedAmountFen" AS req, c."handlingMs" AS h, c."decidedAt" IS NOT NULL AS decided,
             ${wrongD} IS TRUE AS wd, ${wrongR} AS wr
      FROM ${pop}
      LEFT JOIN ${disputes} w ON w."outTradeNo" = c."outTradeNo"
    ) p
    GROUP BY cur, cand, rb, cb`;
}

export async function whatIf(prisma: Reader, merchantId: string, input: WhatIfInput): Promise<WhatIfResult> {
  const t0 = performance.now();
  input = { ...input, now: input.now ?? new Date() }; // one instant for both statements
  const { from, to, pop, cur, cand, disputes, wrongD, wrongR } = parts(merchantId, input);
  // One big aggregate: JIT compilation and parallel workers (each redoing the per-case
  // de-duplication) cost more than they save on a small server; enough memory to hash in RAM.
  const run = async (db: Reader) => {
    await db.$executeRaw`SELECT set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true), set_config('work_mem', '64MB', true)`;
    return db.$queryRaw<GroupRow[]>(whatIfSql(merchantId, input));
  };
  // Settings are transaction-local; inside a caller's transaction they end with it.
  const groups = "$transaction" in prisma ? await prisma.$transaction(run, { timeout: 60_000 }) : await run(prisma);

  const lanes = { current: emptyLanes(), candidate: emptyLanes(), change: emptyLanes() };
  const moved = new Map<string, MovedCell>();
  const histogram = Array.from({ length: BUCKETS }, (_, i) => ({ bucket: i + 1, from: i / BUCKETS, to: (i + 1) / BUCKETS, count: 0 }));
  const density = new Map<string, { risk: number; confidence: number; count: number }>();
  const wrong = { disputedAfterAutoApprove: { cases: 0, routedDifferently: 0 }, refundedAfterAutoReject: { cases: 0, routedDifferently: 0 } };
  let total = 0;
  let hsum = 0;
  let hn = 0;
  for (const g of groups) {
    const a = ROUTES[g.cur]!;
    const b = ROUTES[g.cand]!;
    const amount = num(g.amount);
    total += g.n;
    lanes.current[a].cases += g.n;
    lanes.current[a].amountFen += amount;
    lanes.candidate[b].cases += g.n;
    lanes.candidate[b].amountFen += amount;
    const key = `${a}>${b}`;
    const cell = moved.get(key) ?? { from: a, to: b, cases: 0, amountFen: 0 };
    cell.cases += g.n;
    cell.amountFen += amount;
    moved.set(key, cell);
    if (g.rb !== null) {
      histogram[g.rb - 1]!.count += g.n;
      if (g.cb !== null) {
        const dk = `${g.rb}:${g.cb}`;
        const dc = density.get(dk) ?? { risk: g.rb, confidence: g.cb, count: 0 };
        dc.count += g.n;
        density.set(dk, dc);
      }
    }
    hsum += num(g.hsum);
    hn += g.hn;
    wrong.disputedAfterAutoApprove.cases += g.wd;
    wrong.disputedAfterAutoApprove.routedDifferently += g.wdm;
    wrong.refundedAfterAutoReject.cases += g.wr;
    wrong.refundedAfterAutoReject.routedDifferently += g.wrm;
  }
  for (const r of ROUTES) {
    lanes.change[r] = { cases: lanes.candidate[r].cases - lanes.current[r].cases, amountFen: lanes.candidate[r].amountFen - lanes.current[r].amountFen };
  }

  // Examples: a second, narrow statement only when there is something to show.
  let examples: WrongExample[] = [];
  if (wrong.disputedAfterAutoApprove.cases + wrong.refundedAfterAutoReject.cases > 0) {
    const rows = await prisma.$queryRaw<{ id: string; wd: boolean; cur: number; cand: number }[]>`
      SELECT id, wd, cur, cand FROM (
        SELECT c.id, d."createdAt", ${wrongD} IS TRUE AS wd, ${wrongR} AS wr, ${cur} AS cur, ${cand} AS cand
        FROM ${pop}
        LEFT JOIN ${disputes} w ON w."outTradeNo" = c."outTradeNo"
        WHERE d.stored <> 'REVIEW'
      ) p
      WHERE wd OR wr
      ORDER BY (cur <> cand) DESC, "createdAt" DESC, id
      LIMIT 20`;
    examples = rows.map((r) => ({
      caseId: r.id,
      kind: r.wd ? "DISPUTED_AFTER_AUTO_APPROVE" : "REFUNDED_AFTER_AUTO_REJECT",
      current: ROUTES[r.cur]!,
      candidate: ROUTES[r.cand]!,
    }));
  }

  const estimated = hn === 0;
  const meanHandlingMs = estimated ? DEFAULT_HANDLING_MS : Math.round(hsum / hn);
  const hours = (cases: number) => Math.round(((cases * meanHandlingMs) / 3_600_000) * 10) / 10;
  const curReview = lanes.current.REVIEW.cases;
  const candReview = lanes.candidate.REVIEW.cases;
  return {
    days: input.days,
    from,
    to,
    total,
    lanes,
    moved: ROUTES.flatMap((a) => ROUTES.map((b) => moved.get(`${a}>${b}`)).filter((c): c is MovedCell => !!c)),
    autoApprovedFen: {
      current: lanes.current.AUTO_APPROVE.amountFen,
      candidate: lanes.candidate.AUTO_APPROVE.amountFen,
      change: lanes.candidate.AUTO_APPROVE.amountFen - lanes.current.AUTO_APPROVE.amountFen,
    },
    workload: {
      meanHandlingMs,
      sample: hn,
      estimated,
      current: { reviewCases: curReview, hours: hours(curReview) },
      candidate: { reviewCases: candReview, hours: hours(candReview) },
      changeHours: Math.round((hours(candReview) - hours(curReview)) * 10) / 10,
    },
    wrong: { ...wrong, examples },
    histogram,
    density: [...density.values()].sort((x, y) => x.risk - y.risk || x.confidence - y.confidence),
    thresholds: input.candidate,
    computedMs: Math.round(performance.now() - t0),
  };
}
