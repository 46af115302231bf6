import type { Ledger, LedgerEntry } from "../alipay/ledger";
import type { SqlRunner } from "../db/runner";
import { log } from "./log";

/** Seconds; around the 200–500 ms typical AI latency and the 800 ms soft timeout. */
export const LATENCY_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 2, 5];

type Labels = Record<string, string>;

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const labelText = (labels: Labels) => {
  const keys = Object.keys(labels);
  return keys.length ? `{${keys.map((k) => `${k}="${escape(labels[k]!)}"`).join(",")}}` : "";
};
const key = (labels: Labels) => JSON.stringify(Object.entries(labels).sort());

/** Prometheus counters and histograms of this process (the calls it made). */
export class Registry {
  private counters = new Map<string, { help: string; series: Map<string, { labels: Labels; value: number }> }>();
  private histograms = new Map<string, { help: string; buckets: number[]; series: Map<string, { labels: Labels; counts: number[]; sum: number; count: number }> }>();

  counter(name: string, help: string, labels: Labels, by = 1) {
    let c = this.counters.get(name);
    if (!c) this.counters.set(name, (c = { help, series: new Map() }));
    const k = key(labels);
    const s = c.series.get(k) ?? { labels, value: 0 };
    s.value += by;
    c.series.set(k, s);
  }

  observe(name: string, help: string, labels: Labels, value: number, buckets = LATENCY_BUCKETS) {
    let h = this.histograms.get(name);
    if (!h) this.histograms.set(name, (h = { help, buckets, series: new Map() }));
    const k = key(labels);
    const s = h.series.get(k) ?? { labels, counts: h.buckets.map(() => 0), sum: 0, count: 0 };
    h.buckets.forEach((b, i) => {
      if (value <= b) s.counts[i]! += 1;
    });
    s.sum += value;
    s.count += 1;
    h.series.set(k, s);
  }

  render(): string {
    const out: string[] = [];
    for (const [name, c] of this.counters) {
      out.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
      for (const s of c.series.values()) out.push(`${name}${labelText(s.labels)} ${s.value}`);
    }
    for (const [name, h] of this.histograms) {
      out.push(`# HELP ${name} ${h.help}`, `# TYPE ${name} histogram`);
      for (const s of h.series.values()) {
        h.buckets.forEach((b, i) => out.push(`${name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i]}`));
        out.push(`${name}_bucket${labelText({ ...s.labels, le: "+Inf" })} ${s.count}`);
        out.push(`${name}_sum${labelText(s.labels)} ${Number(s.sum.toFixed(6))}`);
        out.push(`${name}_count${labelText(s.labels)} ${s.count}`);
      }
    }
    return out.length ? out.join("\n") + "\n" : "";
  }

  reset() {
    this.counters.clear();
    this.histograms.clear();
  }
}

const holder = globalThis as typeof globalThis & { __consoleMetrics?: Registry };
/** The process's registry (one per process even when Next bundles this module twice). */
export function registry(): Registry {
  holder.__consoleMetrics ??= new Registry();
  return holder.__consoleMetrics;
}

/** Counts one AI/Alipay attempt: latency by endpoint, errors by code, rate limiting. */
export function recordCall(reg: Registry, e: Pick<LedgerEntry, "endpoint" | "latencyMs" | "outcome" | "code" | "httpStatus">) {
  reg.observe("alipay_call_duration_seconds", "Latency of Alipay/AI calls by endpoint, every attempt.", { endpoint: e.endpoint }, e.latencyMs / 1000);
  reg.counter("alipay_calls_total", "Alipay/AI call attempts by endpoint and outcome.", { endpoint: e.endpoint, outcome: e.outcome });
  if (e.outcome !== "SUCCESS") {
    reg.counter("alipay_call_errors_total", "Failed Alipay/AI attempts by endpoint and error code.", { endpoint: e.endpoint, code: e.code ?? e.outcome.toLowerCase() });
  }
  if (e.outcome === "RATE_LIMITED" || e.httpStatus === 429) {
    reg.counter("alipay_rate_limited_total", "Attempts answered 429 / *-call-limited.", { endpoint: e.endpoint });
  }
}

/** A ledger that also counts each attempt in the process's metrics and logs it with its trace id; the write is unchanged. */
export function meteredLedger(inner: Ledger, reg: Registry = registry()): Ledger {
  return {
    async record(e) {
      recordCall(reg, e);
      const fields = { traceId: e.traceId, merchantId: e.merchantId, caseId: e.caseId, endpoint: e.endpoint, attempt: e.attempt, outcome: e.outcome, code: e.code, latencyMs: Math.round(e.latencyMs) };
      if (e.outcome === "SUCCESS") log.debug("alipay call", fields);
      else log.warn("alipay call failed", fields);
      await inner.record(e);
    },
  };
}

function gauge(name: string, help: string, rows: Array<{ labels: Labels; value: number | string }>): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...rows.map((r) => `${name}${labelText(r.labels)} ${r.value}`)];
}

/**
 * What the database says, the same from every instance: jobs not done by kind and status, the
 * review queue, the age of the oldest due job, and today's spend per merchant (UTC day, CNY).
 * Each query reads an index range (unfinished jobs, open cases, today's ledger rows per merchant).
 */
export async function databaseMetrics(runner: SqlRunner, now = new Date()): Promise<string> {
  const [jobs, lag, open, spend] = await Promise.all([
    runner.query<{ kind: string; status: string; n: number }>(
      `SELECT kind, status::text AS status, count(*)::int AS n FROM "Job" WHERE status IN ('QUEUED','RUNNING','FAILED') GROUP BY 1, 2 ORDER BY 1, 2`,
    ),
    runner.query<{ s: number | null }>(
      `SELECT EXTRACT(EPOCH FROM ($1::timestamptz - min("runAt" AT TIME ZONE 'UTC')))::float8 AS s FROM "Job" WHERE status = 'QUEUED' AND "runAt" <= ($1::timestamptz AT TIME ZONE 'UTC')`,
      [now.toISOString()],
    ),
    runner.query<{ status: string; n: number }>(
      `SELECT status::text AS status, count(*)::int AS n FROM "Case" WHERE status IN ('NEW','ASSESSING','REVIEW','ESCALATED','APPROVED','EXECUTING') GROUP BY 1 ORDER BY 1`,
    ),
    runner.query<{ merchant: string; cny: string }>(
      `SELECT m.id AS merchant, COALESCE(s.cny, 0)::text AS cny FROM "Merchant" m
       CROSS JOIN LATERAL (SELECT sum(a."costCny" + a."feeCny") AS cny FROM "ApiCall" a
                           WHERE a."merchantId" = m.id AND a."createdAt" >= date_trunc('day', $1::timestamptz AT TIME ZONE 'UTC')) s
       ORDER BY 1`,
      [now.toISOString()],
    ),
  ]);
  const lines = [
    ...gauge("console_jobs", "Jobs not done, by kind and status (QUEUED, RUNNING, FAILED).", jobs.map((j) => ({ labels: { kind: j.kind, status: j.status }, value: j.n }))),
    ...gauge("console_job_lag_seconds", "Age of the oldest queued job that is due (0 when none).", [{ labels: {}, value: Math.max(0, Number((lag[0]?.s ?? 0).toFixed(3))) }]),
    ...gauge("console_open_cases", "Cases not finished, by status.", open.map((o) => ({ labels: { status: o.status }, value: o.n }))),
    ...gauge("console_spend_today_cny", "API spend since 00:00 UTC by merchant: call costs plus transaction fees, CNY.", spend.map((s) => ({ labels: { merchant: s.merchant }, value: s.cny }))),
  ];
  return lines.join("\n") + "\n";
}

/** The full exposition: the database's gauges, then this process's counters. */
export async function renderMetrics(runner: SqlRunner, reg: Registry = registry()): Promise<string> {
  return (await databaseMetrics(runner)) + reg.render();
}
