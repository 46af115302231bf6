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
 *
 * Reads "WhatIfFact": one narrow row per decision, kept current by triggers on AiDecision and Case
 * (migration 20261202031700_whatif_facts), so the replay is one index-only range scan with no
 * join, no per-case sort and no disputes hash (docs/benchmarks/whatif.md).
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

/** The limit that applies to a fact's category. */
function factLimitSql(th: Thresholds, key: LimitKey): Prisma.Sql {
  const whens: Prisma.Sql[] = [];
  for (const [category, o] of Object.entries(th.overrides ?? {})) {
    const v = o?.[key];
    if (category === "" || v === undefined || v === null) continue;
    whens.push(Prisma.sql`WHEN ${category} THEN ${v}::float8`);
  }
  const base = Prisma.sql`${th[key]}::float8`;
  return whens.length ? Prisma.sql`(CASE f.category ${Prisma.join(whens, " ")} ELSE ${base} END)` : base;
}

/**
 * routeSql over a "WhatIfFact" row f: the same decision, with what does not depend on the
 * thresholds (dispute, more requested than paid, the recommendation's code) stored once.
 */
export function factRouteSql(th: Thresholds): Prisma.Sql {
  const approveBelow = factLimitSql(th, "autoApproveBelow");
  const rejectAt = factLimitSql(th, "autoRejectAtOrAbove");
  const floor = factLimitSql(th, "confidenceFloor");
  const hitl = factLimitSql(th, "hitlLimitFen");
  const person = Prisma.sql`(f.person OR f."amountFen"::float8 > ${hitl})`;
  const low = Prisma.sql`(f."riskScore" < ${approveBelow})`;
  const high = Prisma.sql`(f."riskScore" >= ${rejectAt})`;
  const unavailable = th.aiUnavailable === "AUTO_REJECT" ? Prisma.sql`CASE WHEN ${person} THEN 1 ELSE 2 END` : Prisma.sql`1`;
  const highReview = th.highRiskAction === "REVIEW" ? Prisma.sql`OR ${high}` : Prisma.empty;
  // rec: 1 PASS, 2 REVIEW, 3 REJECT (0 none, 4 other match none of them, as NULL and other strings do above).
  return Prisma.sql`(CASE
    WHEN f."riskScore" IS NULL THEN ${unavailable}
    WHEN ${person} OR f.rec = 2 OR (f.confidence >= ${floor}) IS NOT TRUE
      OR (NOT ${low} AND NOT ${high})
      OR (${low} AND f.rec = 3) OR (${high} AND f.rec = 1)
      OR f."riskScore" < 0 OR f."riskScore" > 1 ${highReview} THEN 1
    WHEN ${low} THEN 0
    ELSE 2 END)::int`;
}

function window(days: WindowDays, now: Date) {
  return { from: new Date(now.getTime() - days * DAY_MS), to: now };
}

/** The latest decision per case in the window: no later decision of the case falls inside it. */
function population(merchantId: string, from: Date, to: Date): Prisma.Sql {
  const lo = Prisma.sql`(${from.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
  const hi = Prisma.sql`(${to.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
  return Prisma.sql`"WhatIfFact" f WHERE f."merchantId" = ${merchantId} AND f.at > ${lo} AND f.at <= ${hi} AND (f."nextAt" IS NULL OR f."nextAt" > ${hi})`;
}

/**
 * The what-if computed straight from AiDecision and Case, as before "WhatIfFact" existed: the
 * reference the fact table must equal (lib/policy/whatif.test.ts, and the benchmark's "before").
 */
export function sourceWhatIfSql(merchantId: string, input: WhatIfInput): { groups: Prisma.Sql; examples: Prisma.Sql } {
  const { from, to } = window(input.days, input.now ?? new Date());
  const pop = Prisma.sql`(
    SELECT DISTINCT ON (x."caseId") x."caseId", x."createdAt", x."riskScore"::float8 AS s, x.confidence::float8 AS f,
           x.recommendation AS rec, x.route AS stored
    FROM "AiDecision" x
    WHERE x."merchantId" = ${merchantId}
      AND x."createdAt" > (${from.toISOString()}::timestamptz AT TIME ZONE 'UTC')
      AND x."createdAt" <= (${to.toISOString()}::timestamptz AT TIME ZONE 'UTC')
    ORDER BY x."caseId", x."createdAt" DESC, x.id DESC
  ) d
  JOIN "Case" c ON c.id = d."caseId" AND c."merchantId" = ${merchantId}
  LEFT JOIN (SELECT "outTradeNo", max("createdAt") AS at FROM "Case" WHERE "merchantId" = ${merchantId} AND kind = 'DISPUTE' GROUP BY "outTradeNo") w
    ON w."outTradeNo" = c."outTradeNo"`;
  const bucket = (col: Prisma.Sql) => Prisma.sql`LEAST(GREATEST(width_bucket(${col}, 0, 1, ${BUCKETS}), 1), ${BUCKETS})`;
  const row = Prisma.sql`${routeSql(input.current)} AS cur, ${routeSql(input.candidate)} AS cand, c.id, d."createdAt",
    CASE WHEN d.s IS NOT NULL AND d.s <> 'NaN'::float8 THEN ${bucket(Prisma.sql`d.s`)} END AS rb,
    CASE WHEN d.f IS NOT NULL AND d.f <> 'NaN'::float8 THEN ${bucket(Prisma.sql`d.f`)} END AS cb,
    c."requestedAmountFen" AS req, c."handlingMs" AS h, c."decidedAt" IS NOT NULL AS decided,
    (d.stored = 'AUTO_APPROVE' AND w.at > d."createdAt") IS TRUE AS wd, (d.stored = 'AUTO_REJECT' AND c.status = 'REFUNDED' AND c."decidedById" IS NOT NULL) AS wr`;
  return {
    groups: Prisma.sql`
      SELECT cur, cand, rb, cb, count(*)::int AS n, sum(req)::bigint AS amount,
             sum(h) FILTER (WHERE decided)::bigint AS hsum, count(h) FILTER (WHERE decided)::int AS hn,
             count(*) FILTER (WHERE wd)::int AS wd, count(*) FILTER (WHERE wd AND cur <> cand)::int AS wdm,
             count(*) FILTER (WHERE wr)::int AS wr, count(*) FILTER (WHERE wr AND cur <> cand)::int AS wrm
      FROM (SELECT ${row} FROM ${pop}) p GROUP BY cur, cand, rb, cb`,
    examples: Prisma.sql`
      SELECT id, wd, cur, cand FROM (SELECT ${row} FROM ${pop} WHERE d.stored <> 'REVIEW') p
      WHERE wd OR wr ORDER BY (cur <> cand) DESC, "createdAt" DESC, id LIMIT 20`,
  };
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
    SELECT f."caseId" AS id, ${factRouteSql(thresholds)} AS r FROM ${population(merchantId, from, to)}`;
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
  return { from, to, pop: population(merchantId, from, to), cur: factRouteSql(input.current), cand: factRouteSql(input.candidate) };
}

/**
 * The main statement: one pass, grouped by (current, candidate, risk bucket, confidence bucket),
 * at most a few thousand small rows from which lanes, the matrix, histogram and density follow.
 */
export function whatIfSql(merchantId: string, input: WhatIfInput): Prisma.Sql {
  const { pop, cur, cand } = parts(merchantId, input);
  return Prisma.sql`
    SELECT cur, cand, rb, cb, count(*)::int AS n, sum(req)::bigint AS amount,
           sum(h) FILTER (WHERE decided)::bigint AS hsum, count(h) FILTER (WHERE decided)::int AS hn,
           count(*) FILTER (WHERE wrong = 1)::int AS wd, count(*) FILTER (WHERE wrong = 1 AND cur <> cand)::int AS wdm,
           count(*) FILTER (WHERE wrong = 2)::int AS wr, count(*) FILTER (WHERE wrong = 2 AND cur <> cand)::int AS wrm
    FROM (
      SELECT ${cur} AS cur, ${cand} AS cand, f."riskBucket" AS rb, f."confBucket" AS cb,
             f."amountFen" AS req, f."handlingMs" AS h, f.decided, f.wrong
      FROM ${pop}
    ) p
    GROUP BY cur, cand, rb, cb`;
}

/** Up to 20 decisions shown wrong later; only those rows are read ("WhatIfFact" by wrong, at). */
export function examplesSql(merchantId: string, input: WhatIfInput): Prisma.Sql {
  const { pop, cur, cand } = parts(merchantId, input);
  return Prisma.sql`
    SELECT id, wd, cur, cand FROM (
      SELECT f."caseId" AS id, f.at, f.wrong = 1 AS wd, ${cur} AS cur, ${cand} AS cand
      FROM ${pop} AND f.wrong IN (1, 2)
    ) p
    ORDER BY (cur <> cand) DESC, at DESC, id
    LIMIT 20`;
}

export async function whatIf(prisma: Reader, merchantId: string, input: WhatIfInput): Promise<WhatIfResult> {
  const t0 = performance.now();
  input = { ...input, now: input.now ?? new Date() }; // one instant for both statements
  const { from, to } = parts(merchantId, input);
  // One aggregate over narrow rows: JIT compilation costs more than it saves here.
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
    const rows = await prisma.$queryRaw<{ id: string; wd: boolean; cur: number; cand: number }[]>(examplesSql(merchantId, input));
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

const TRIGGERS = {
  AiDecision: ["whatif_decisions_inserted", "whatif_decisions_updated", "whatif_decisions_deleted"],
  Case: ["whatif_cases_inserted", "whatif_case_updated", "whatif_case_deleted"],
} as const;

/**
 * For bulk loaders: switch the fact-keeping triggers off for a load (the facts go stale), then on
 * again and call rebuildWhatIfFacts. Never while the app writes.
 */
export async function setWhatIfTriggers(db: Reader, enabled: boolean): Promise<void> {
  for (const [table, names] of Object.entries(TRIGGERS)) {
    for (const name of names) await db.$executeRaw(Prisma.raw(`ALTER TABLE "${table}" ${enabled ? "ENABLE" : "DISABLE"} TRIGGER ${name}`));
  }
}

/** Recomputes every fact from AiDecision and Case in one INSERT … SELECT (whatif_rebuild in the migration). */
export async function rebuildWhatIfFacts(db: Reader): Promise<void> {
  await db.$executeRaw`SELECT whatif_rebuild()`;
}
