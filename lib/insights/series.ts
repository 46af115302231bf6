import { BINS, binEdges, drift, ks, psi, PSI_SIGNIFICANT } from "./stats";

/**
 * Pure preparation of the insights page: from the rollups' small aggregates (or the same numbers
 * computed from raw rows, see lib/bench/insights.ts) to the series the charts draw.
 * Days are "YYYY-MM-DD" calendar days in Asia/Shanghai.
 */

export const DRIFT_DAYS = 90;
export const REFERENCE_DAYS = 30;
/** Days with fewer scored decisions than this get no PSI / KS: too few to compare. */
export const MIN_DAY_COUNT = 20;
/** PSI above 0.25 on this many consecutive days is an alert. */
export const PSI_STREAK = 3;
export const REVIEW_WINDOW = 7;
export const WINDOW_DAYS = [7, 14, 30, 90] as const;
export type WindowDays = (typeof WINDOW_DAYS)[number];
export const RECOMMENDATIONS = ["PASS", "REVIEW", "REJECT"] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];
export const AMOUNT_BANDS = [0, 1, 2, 3] as const;
export const METRICS = { score: 0, confidence: 1 } as const;
export type MetricName = keyof typeof METRICS;

export interface DailyBinRow {
  day: string;
  metric: number;
  bin: number;
  count: number;
}
export interface DailyMixRow {
  day: string;
  modelVersion: string;
  recommendation: string;
  count: number;
}
export interface OutcomeRow {
  modelVersion: string;
  recommendation: string;
  route: string;
  decisionCode: string;
  agentId: string;
  outcome: string;
  disputed: boolean;
  count: number;
}
export interface DailyFraudRow {
  day: string;
  cases: number;
  fraud: number;
}
export interface ThresholdChange {
  day: string;
  version: string;
}

export interface Aggregates {
  bins: DailyBinRow[];
  mix: DailyMixRow[];
  /** Refund cases that arrived in the window. */
  outcomes: OutcomeRow[];
  fraud: DailyFraudRow[];
  thresholdChanges: ThresholdChange[];
}

const DAY_MS = 86_400_000;
const SHANGHAI_MS = 8 * 3_600_000;

/** The Asia/Shanghai calendar day of an instant (no daylight saving there). Mirrors insights_day in SQL. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_MS).toISOString().slice(0, 10);
}
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}
export function dayRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The windows the page compares: the chosen window, the 30 days before it, and 90 days of drift (each against its own 30 days before). */
export function windows(today: string, days: WindowDays) {
  const windowFrom = addDays(today, -(days - 1));
  const driftFrom = addDays(today, -(DRIFT_DAYS - 1));
  return {
    window: { from: windowFrom, to: today },
    reference: { from: addDays(windowFrom, -REFERENCE_DAYS), to: addDays(windowFrom, -1) },
    drift: { from: driftFrom, to: today },
    /** The oldest day any number on the page reads. */
    earliest: addDays(days === 90 ? windowFrom : driftFrom, -REFERENCE_DAYS - REVIEW_WINDOW),
  };
}

export interface HistBin {
  bin: number;
  label: string;
  from: number;
  to: number;
  windowCount: number;
  referenceCount: number;
  /** Shares of the window's / reference's scored decisions, so windows of any size overlay. */
  window: number;
  reference: number;
}

export interface DriftPoint {
  day: string;
  n: number;
  psi: number | null;
  ks: number | null;
}

export interface MixPoint {
  day: string;
  total: number;
  PASS: number;
  REVIEW: number;
  REJECT: number;
}

export interface Marker {
  day: string;
  kind: "model" | "threshold";
  label: string;
}

export interface OverruleRow {
  key: string;
  /** Decisions by a person where the AI said PASS or REJECT. */
  decided: number;
  /** Of those, decided the other way (PASS → rejected, REJECT → approved). */
  overruled: number;
  rate: number | null;
}

export interface Overrules {
  total: OverruleRow;
  byModel: OverruleRow[];
  byReason: OverruleRow[];
  byLane: OverruleRow[];
  byAgent: OverruleRow[];
  /** REVIEW / REJECT recommendations that were approved in the end, of those decided. */
  falsePositives: { approved: number; decided: number; share: number | null };
  /** Approved refunds whose trade came back as a dispute. */
  disputedApprovals: { disputed: number; approved: number; share: number | null };
}

export interface AlertCondition {
  kind: "PSI_SCORE" | "PSI_CONFIDENCE" | "PSI_MIX" | "REVIEW_SHARE_JUMP";
  /** First day of the run of days the condition held: one alert per run. */
  day: string;
  value: number;
}

export interface InsightsView {
  today: string;
  windowDays: WindowDays;
  ranges: ReturnType<typeof windows>;
  histograms: Record<MetricName, HistBin[]>;
  totals: { window: number; reference: number; windowUnscored: number };
  drift: { day: string; score: DriftPoint; confidence: DriftPoint; mix: DriftPoint }[];
  mix: MixPoint[];
  markers: Marker[];
  overrules: Overrules;
  conditions: AlertCondition[];
}

const zeros = (n: number) => new Array<number>(n).fill(0);
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** Per day, per metric: counts of bins 0..20 (0 = no score). */
function binsByDay(rows: DailyBinRow[]) {
  const out = new Map<string, [number[], number[]]>();
  for (const r of rows) {
    let e = out.get(r.day);
    if (!e) out.set(r.day, (e = [zeros(BINS + 1), zeros(BINS + 1)]));
    e[r.metric]![r.bin]! += r.count;
  }
  return out;
}

function mixByDay(rows: DailyMixRow[]) {
  const out = new Map<string, number[]>();
  for (const r of rows) {
    const i = RECOMMENDATIONS.indexOf(r.recommendation as Recommendation);
    if (i < 0) continue;
    let e = out.get(r.day);
    if (!e) out.set(r.day, (e = zeros(3)));
    e[i]! += r.count;
  }
  return out;
}

function sumDays(byDay: Map<string, number[]>, from: string, to: string, width: number) {
  const acc = zeros(width);
  for (const d of dayRange(from, to)) byDay.get(d)?.forEach((c, i) => (acc[i]! += c));
  return acc;
}

function histogram(window: number[], reference: number[]): HistBin[] {
  const w = window.slice(1).reduce((a, b) => a + b, 0);
  const r = reference.slice(1).reduce((a, b) => a + b, 0);
  return Array.from({ length: BINS }, (_, i) => {
    const bin = i + 1;
    const [from, to] = binEdges(bin);
    return { bin, label: from.toFixed(2), from, to, windowCount: window[bin]!, referenceCount: reference[bin]!, window: w ? window[bin]! / w : 0, reference: r ? reference[bin]! / r : 0 };
  });
}

/** Each drift day against the 30 days before it; a day with too few decisions gets no value. */
function driftSeries(days: string[], byDay: Map<string, number[]>, width: number, compare: (ref: number[], day: number[]) => { psi: number | null; ks: number | null }): DriftPoint[] {
  return days.map((day) => {
    const counts = byDay.get(day) ?? zeros(width);
    const n = counts.reduce((a, b) => a + b, 0);
    if (n < MIN_DAY_COUNT) return { day, n, psi: null, ks: null };
    const ref = sumDays(byDay, addDays(day, -REFERENCE_DAYS), addDays(day, -1), width);
    return { day, n, ...compare(ref, counts) };
  });
}

export function overrules(rows: OutcomeRow[]): Overrules {
  const group = (key: (r: OutcomeRow) => string) => {
    const m = new Map<string, OverruleRow>();
    for (const r of rows) {
      if (r.agentId === "" || r.outcome === "OPEN" || (r.recommendation !== "PASS" && r.recommendation !== "REJECT")) continue;
      const k = key(r);
      const e = m.get(k) ?? { key: k, decided: 0, overruled: 0, rate: null };
      e.decided += r.count;
      if ((r.recommendation === "PASS" && r.outcome === "REJECTED") || (r.recommendation === "REJECT" && r.outcome === "APPROVED")) e.overruled += r.count;
      m.set(k, e);
    }
    return [...m.values()].map((e) => ({ ...e, rate: ratio(e.overruled, e.decided) })).sort((a, b) => b.decided - a.decided || a.key.localeCompare(b.key));
  };
  const total = group(() => "all")[0] ?? { key: "all", decided: 0, overruled: 0, rate: null };
  let fpApproved = 0;
  let fpDecided = 0;
  let approved = 0;
  let disputed = 0;
  for (const r of rows) {
    if ((r.recommendation === "REVIEW" || r.recommendation === "REJECT") && r.outcome !== "OPEN") {
      fpDecided += r.count;
      if (r.outcome === "APPROVED") fpApproved += r.count;
    }
    if (r.outcome === "APPROVED") {
      approved += r.count;
      if (r.disputed) disputed += r.count;
    }
  }
  return {
    total,
    byModel: group((r) => r.modelVersion),
    byReason: group((r) => r.decisionCode),
    byLane: group((r) => r.route),
    byAgent: group((r) => r.agentId),
    falsePositives: { approved: fpApproved, decided: fpDecided, share: ratio(fpApproved, fpDecided) },
    disputedApprovals: { disputed, approved, share: ratio(disputed, approved) },
  };
}

/** Runs of PSI above 0.25 for PSI_STREAK evaluable days in a row (days without a value are skipped). */
function psiRuns(kind: AlertCondition["kind"], points: DriftPoint[]): AlertCondition[] {
  const out: AlertCondition[] = [];
  let start: string | null = null;
  let length = 0;
  for (const p of points) {
    if (p.psi === null) continue;
    if (p.psi > PSI_SIGNIFICANT) {
      if (length === 0) start = p.day;
      length++;
      if (length === PSI_STREAK) out.push({ kind, day: start!, value: p.psi });
    } else {
      length = 0;
    }
  }
  return out;
}

/**
 * The REVIEW share of the last 7 days against the 30 days before them rose by at least 5 points
 * and by half, while confirmed fraud (refunds a person rejected, approvals later disputed) per
 * case did not rise by more than a fifth: the model routes more to people without cause.
 */
export function reviewJumps(days: string[], mix: Map<string, number[]>, fraud: DailyFraudRow[]): AlertCondition[] {
  const fraudByDay = new Map(fraud.map((f) => [f.day, [f.cases, f.fraud]]));
  const out: AlertCondition[] = [];
  let inRun = false;
  for (const day of days) {
    const wFrom = addDays(day, -(REVIEW_WINDOW - 1));
    const rTo = addDays(wFrom, -1);
    const rFrom = addDays(rTo, -(REFERENCE_DAYS - 1));
    const w = sumDays(mix, wFrom, day, 3);
    const r = sumDays(mix, rFrom, rTo, 3);
    const wn = w[0]! + w[1]! + w[2]!;
    const rn = r[0]! + r[1]! + r[2]!;
    const wf = sumDays(fraudByDay, wFrom, day, 2);
    const rf = sumDays(fraudByDay, rFrom, rTo, 2);
    let jump = false;
    let share = 0;
    if (wn >= 50 && rn >= 50 && wf[0]! > 0 && rf[0]! > 0) {
      share = w[1]! / wn;
      const refShare = r[1]! / rn;
      const fraudSteady = wf[1]! / wf[0]! <= (rf[1]! / rf[0]!) * 1.2 + 0.005;
      jump = share - refShare >= 0.05 && share >= refShare * 1.5 && fraudSteady;
    }
    if (jump && !inRun) out.push({ kind: "REVIEW_SHARE_JUMP", day, value: share });
    inRun = jump;
  }
  return out;
}

function markers(days: string[], mix: DailyMixRow[], changes: ThresholdChange[]): Marker[] {
  const perDay = new Map<string, Map<string, number>>();
  for (const r of mix) {
    if (r.modelVersion === "") continue;
    const m = perDay.get(r.day) ?? new Map<string, number>();
    m.set(r.modelVersion, (m.get(r.modelVersion) ?? 0) + r.count);
    perDay.set(r.day, m);
  }
  const out: Marker[] = [];
  let previous: string | null = null;
  for (const day of days) {
    const m = perDay.get(day);
    if (!m) continue;
    const top = [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    if (previous !== null && top !== previous) out.push({ day, kind: "model", label: top });
    previous = top;
  }
  for (const c of changes) if (c.day >= days[0]! && c.day <= days.at(-1)!) out.push({ day: c.day, kind: "threshold", label: `v${c.version}` });
  return out.sort((a, b) => a.day.localeCompare(b.day) || a.kind.localeCompare(b.kind));
}

export function buildInsights(today: string, windowDays: WindowDays, a: Aggregates): InsightsView {
  const ranges = windows(today, windowDays);
  const byDay = binsByDay(a.bins);
  const score = new Map([...byDay].map(([d, v]) => [d, v[0]]));
  const conf = new Map([...byDay].map(([d, v]) => [d, v[1]]));
  const scoreFine = new Map([...score].map(([d, v]) => [d, v.slice(1)]));
  const confFine = new Map([...conf].map(([d, v]) => [d, v.slice(1)]));
  const mix = mixByDay(a.mix);
  const days = dayRange(ranges.drift.from, ranges.drift.to);

  const wScore = sumDays(score, ranges.window.from, ranges.window.to, BINS + 1);
  const rScore = sumDays(score, ranges.reference.from, ranges.reference.to, BINS + 1);
  const wConf = sumDays(conf, ranges.window.from, ranges.window.to, BINS + 1);
  const rConf = sumDays(conf, ranges.reference.from, ranges.reference.to, BINS + 1);

  const scoreDrift = driftSeries(days, scoreFine, BINS, drift);
  const confDrift = driftSeries(days, confFine, BINS, drift);
  // The mix is three ordered categories: PSI over them as they are, KS over PASS < REVIEW < REJECT.
  const mixDrift = driftSeries(days, mix, 3, (ref, day) => ({ psi: psi(ref, day), ks: ks(ref, day) }));

  return {
    today,
    windowDays,
    ranges,
    histograms: { score: histogram(wScore, rScore), confidence: histogram(wConf, rConf) },
    totals: { window: wScore.slice(1).reduce((x, y) => x + y, 0), reference: rScore.slice(1).reduce((x, y) => x + y, 0), windowUnscored: wScore[0]! },
    drift: days.map((day, i) => ({ day, score: scoreDrift[i]!, confidence: confDrift[i]!, mix: mixDrift[i]! })),
    mix: days.map((day) => {
      const c = mix.get(day) ?? zeros(3);
      const total = c[0]! + c[1]! + c[2]!;
      return { day, total, PASS: total ? c[0]! / total : 0, REVIEW: total ? c[1]! / total : 0, REJECT: total ? c[2]! / total : 0 };
    }),
    markers: markers(days, a.mix, a.thresholdChanges),
    overrules: overrules(a.outcomes),
    conditions: [...psiRuns("PSI_SCORE", scoreDrift), ...psiRuns("PSI_CONFIDENCE", confDrift), ...psiRuns("PSI_MIX", mixDrift), ...reviewJumps(days, mix, a.fraud)],
  };
}

/** True when a view has nothing to draw (no scored decisions in the window nor in the drift range). */
export function isEmpty(view: InsightsView): boolean {
  return view.totals.window === 0 && view.drift.every((d) => d.score.n === 0);
}
