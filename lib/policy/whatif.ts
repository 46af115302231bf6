import { Prisma, type PrismaClient } from "../generated/prisma/client";
import { invalid } from "../errors";
import { limitsFor, type Limits, type Reason, type RouteName, type Thresholds } from "./route";

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
 * (migrations 20261202031700_whatif_facts, 20261202060100_whatif_narrow), so the replay is one
 * index-only range scan over fixed-width integer columns with no join, no per-case sort and no
 * disputes hash; scores are compared as exact basis points (docs/benchmarks/whatif.md).
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

/**
 * Scores are Decimal(5,4): a stored score is a whole number e of basis points, and routeCase sees
 * Number(score) = e / 10000 (both the double nearest to the same decimal; rounding is monotonic). So
 * for any threshold t, `score >= t` ⇔ e >= cut(t), with cut(t) the least e in [0, 10001] with
 * e / 10000 >= t, and `score < t` ⇔ e < cut(t). The facts hold e; the replay compares integers.
 */
export function basisPointCut(t: number): number {
  let e = Math.min(10_001, Math.max(0, Math.ceil(t * 10_000)));
  while (e > 0 && (e - 1) / 10_000 >= t) e--;
  while (e <= 10_000 && e / 10_000 < t) e++;
  return e;
}

const INT4_MAX = 2_147_483_647;
const INT4_MIN = -2_147_483_648;

/** Integers computed here, inlined as literals (never user text). */
function lit(n: number): Prisma.Sql {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return Prisma.raw(String(n));
}

/**
 * The fact encoding is exact for score limits in [0, 1] (what the policy schema accepts): facts
 * clamp stored scores outside it. Anything else is refused rather than replayed approximately.
 */
function assertReplayable(th: Thresholds) {
  const sets: Partial<Limits>[] = [th, ...Object.values(th.overrides ?? {})];
  for (const l of sets) {
    for (const key of ["autoApproveBelow", "autoRejectAtOrAbove", "confidenceFloor"] as const) {
      const v = l?.[key];
      if (v !== undefined && v !== null && !(typeof v === "number" && v >= 0 && v <= 1)) throw invalid(`${key} must be a number from 0 to 1`);
    }
    const h = l?.hitlLimitFen;
    if (h !== undefined && h !== null && !(typeof h === "number" && !Number.isNaN(h))) throw invalid("hitlLimitFen must be a number");
  }
}

/** `f."amountFen" > limit` for an int4 amount, folded when the limit is outside int4. */
function overLimitSql(limitFen: number): Prisma.Sql {
  const h = Math.floor(limitFen);
  if (h >= INT4_MAX) return Prisma.sql`FALSE`;
  if (h < INT4_MIN) return Prisma.sql`TRUE`;
  return Prisma.sql`f."amountFen" > ${lit(h)}`;
}

/**
 * routeCase over a "WhatIfFact" row f for one set of limits: 0 = AUTO_APPROVE, 1 = REVIEW,
 * 2 = AUTO_REJECT. f.kind holds what does not depend on the thresholds (whatif_kind in the
 * migration): 0 AI unavailable, 1 a person decides anyway, 2 PASS, 3 REJECT, 4 other; with 2..4
 * f.risk is in [0, 10000]. f.confidence is -1 when missing, so it is under every floor.
 */
function laneSql(l: Limits, th: Thresholds): Prisma.Sql {
  const approve = lit(basisPointCut(l.autoApproveBelow));
  const reject = lit(basisPointCut(l.autoRejectAtOrAbove));
  const floor = lit(basisPointCut(l.confidenceFloor));
  const over = overLimitSql(l.hitlLimitFen);
  const highReview = th.highRiskAction === "REVIEW";
  // Without the AI, the merchant may reject what no person has to see.
  const first =
    th.aiUnavailable === "AUTO_REJECT"
      ? Prisma.sql`WHEN f.kind = 1 OR ${over} THEN 1 WHEN f.kind = 0 THEN 2 WHEN f.confidence < ${floor} THEN 1`
      : Prisma.sql`WHEN f.kind < 2 OR ${over} OR f.confidence < ${floor} THEN 1`;
  // Below auto-approve and at/above auto-reject at once only when the limits cross (X ≥ Y).
  const highToo = highReview ? Prisma.sql`f.risk >= ${reject}` : Prisma.sql`(f.risk >= ${reject} AND f.kind = 2)`;
  const low =
    basisPointCut(l.autoApproveBelow) <= basisPointCut(l.autoRejectAtOrAbove)
      ? Prisma.sql`CASE WHEN f.kind = 3 THEN 1 ELSE 0 END`
      : Prisma.sql`CASE WHEN f.kind = 3 OR ${highToo} THEN 1 ELSE 0 END`;
  // High risk sent to review, like the grey band: only AUTO_REJECT needs telling apart.
  const rest = highReview ? Prisma.sql`ELSE 1` : Prisma.sql`WHEN f.risk >= ${reject} THEN CASE WHEN f.kind = 2 THEN 1 ELSE 2 END ELSE 1`;
  return Prisma.sql`CASE ${first} WHEN f.risk < ${approve} THEN ${low} ${rest} END`;
}

/** Where the replay reads: the merchant's key and the codes of the categories overrides name. */
export interface ReplayScope {
  /** WhatIfMerchant.key; 0 (never a key) when the merchant has no facts. */
  key: number;
  categories: Map<string, number>;
}

export async function replayScope(db: Reader, merchantId: string, policies: Thresholds[]): Promise<ReplayScope> {
  const names = [...new Set(policies.flatMap((th) => Object.keys(th.overrides ?? {})))].filter((n) => n !== "");
  const [row] = await db.$queryRaw<{ key: number | null; codes: Record<string, number> | null }[]>`
    SELECT (SELECT key FROM "WhatIfMerchant" WHERE "merchantId" = ${merchantId}) AS key,
           (SELECT json_object_agg(name, code) FROM "WhatIfCategory" WHERE "merchantId" = ${merchantId} AND name = ANY(${names}::text[])) AS codes`;
  return { key: row?.key ?? 0, categories: new Map(Object.entries(row?.codes ?? {})) };
}

/** The replayed route of a fact under a threshold set: one lane per category with overrides, else the policy's own. */
export function factRouteSql(th: Thresholds, scope: ReplayScope): Prisma.Sql {
  assertReplayable(th);
  const base = laneSql(th, th);
  const whens: Prisma.Sql[] = [];
  for (const category of Object.keys(th.overrides ?? {})) {
    const code = scope.categories.get(category);
    if (category === "" || code === undefined) continue; // limitsFor ignores ""; no fact has an unknown category
    whens.push(Prisma.sql`WHEN ${lit(code)} THEN ${laneSql(limitsFor(th, category), th)}`);
  }
  return whens.length ? Prisma.sql`(CASE f."categoryCode" ${Prisma.join(whens, " ")} ELSE ${base} END)` : Prisma.sql`(${base})`;
}

function window(days: WindowDays, now: Date) {
  return { from: new Date(now.getTime() - days * DAY_MS), to: now };
}

/** The latest decision per case in the window: its case's next decision ('infinity' if none) is outside it. */
function population(key: number, from: Date, to: Date): Prisma.Sql {
  const lo = Prisma.sql`(${from.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
  const hi = Prisma.sql`(${to.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
  return Prisma.sql`"WhatIfFact" f WHERE f."merchantKey" = ${lit(key)} AND f.at > ${lo} AND f.at <= ${hi} AND f."nextAt" > ${hi}`;
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
  const scope = await replayScope(prisma, merchantId, [thresholds]);
  const rows = await prisma.$queryRaw<{ id: string; r: number }[]>`
    SELECT f."caseId" AS id, ${factRouteSql(thresholds, scope)} AS r FROM ${population(scope.key, from, to)}`;
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

function parts(scope: ReplayScope, input: WhatIfInput) {
  const { from, to } = window(input.days, input.now ?? new Date());
  return { pop: population(scope.key, from, to), cur: factRouteSql(input.current, scope), cand: factRouteSql(input.candidate, scope) };
}

/**
 * The main statement: one pass over the window's facts, grouped by (current, candidate, cell):
 * three small integers per row, no per-row FILTER. The few hundred groups are then unpacked from
 * the cell (buckets, wrong, handled) into the rows the result is built from, at most a few
 * thousand: lanes, the matrix, histogram and density follow from them.
 */
export function whatIfSql(scope: ReplayScope, input: WhatIfInput): Prisma.Sql {
  const { pop, cur, cand } = parts(scope, input);
  return Prisma.sql`
    SELECT cur, cand, NULLIF(cell / 126, 0)::int AS rb, NULLIF(cell / 6 % 21, 0)::int AS cb, sum(n)::int AS n, sum(amount)::bigint AS amount,
           sum(h) FILTER (WHERE cell % 2 = 1)::bigint AS hsum, coalesce(sum(n) FILTER (WHERE cell % 2 = 1), 0)::int AS hn,
           coalesce(sum(n) FILTER (WHERE cell / 2 % 3 = 1), 0)::int AS wd, coalesce(sum(n) FILTER (WHERE cell / 2 % 3 = 1 AND cur <> cand), 0)::int AS wdm,
           coalesce(sum(n) FILTER (WHERE cell / 2 % 3 = 2), 0)::int AS wr, coalesce(sum(n) FILTER (WHERE cell / 2 % 3 = 2 AND cur <> cand), 0)::int AS wrm
    FROM (
      SELECT ${cur} AS cur, ${cand} AS cand, f.cell, count(*) AS n, sum(f."amountFen") AS amount, sum(f."handledMs") AS h
      FROM ${pop}
      GROUP BY 1, 2, 3
    ) g
    GROUP BY cur, cand, 3, 4`;
}

/** Up to 20 decisions shown wrong later; only those rows are read ("WhatIfFact" by merchantKey, wrong, at). */
export function examplesSql(scope: ReplayScope, input: WhatIfInput): Prisma.Sql {
  const { pop, cur, cand } = parts(scope, input);
  return Prisma.sql`
    SELECT id, wd, cur, cand FROM (
      SELECT f."caseId" AS id, f.at, f.wrong = 1 AS wd, ${cur} AS cur, ${cand} AS cand
      FROM ${pop} AND f.wrong IN (1, 2)
    ) p
    ORDER BY (cur <> cand) DESC, at DESC, id
    LIMIT 20`;
}

/**
 * Transaction-local settings of the replay. JIT compilation costs more than it saves on one
 * aggregate. No parallel workers: the planner cannot count the groups of the route CASEs (it
 * multiplies the distinct values of every column they read: ~100k estimated, ~450 real), so it
 * never picks a partial aggregate at default costs, and the parallel_tuple_cost low enough to
 * make it (≤ 0.05) also makes it ship every row of a mid-size window through a Gather, 5× slower
 * than serial at 7 days (docs/benchmarks/whatif.md). PGlite accepts the same calls.
 */
export const REPLAY_SETTINGS = Prisma.sql`SELECT set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true), set_config('work_mem', '64MB', true)`;

export async function whatIf(prisma: Reader, merchantId: string, input: WhatIfInput): Promise<WhatIfResult> {
  const t0 = performance.now();
  input = { ...input, now: input.now ?? new Date() }; // one instant for both statements
  const { from, to } = window(input.days, input.now!);
  const run = async (db: Reader) => {
    await db.$executeRaw(REPLAY_SETTINGS);
    const scope = await replayScope(db, merchantId, [input.current, input.candidate]);
    return { scope, groups: await db.$queryRaw<GroupRow[]>(whatIfSql(scope, input)) };
  };
  // Settings are transaction-local; inside a caller's transaction they end with it.
  const { scope, groups } = "$transaction" in prisma ? await prisma.$transaction(run, { timeout: 60_000 }) : await run(prisma);

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
    const rows = await prisma.$queryRaw<{ id: string; wd: boolean; cur: number; cand: number }[]>(examplesSql(scope, input));
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
