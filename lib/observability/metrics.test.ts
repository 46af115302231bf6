import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryLedger } from "../alipay/ledger";
import { createTestDb, type TestDb } from "../testing/db";
import { databaseMetrics, meteredLedger, Registry, renderMetrics } from "./metrics";
import { setLogSink } from "./log";

const entry = (over: Partial<Parameters<ReturnType<typeof memoryLedger>["record"]>[0]> = {}) => ({
  merchantId: "m-a",
  caseId: "c1",
  endpoint: "ai.risk.score",
  requestId: "r1",
  traceId: "trace-1",
  modelVersion: null,
  httpStatus: 200,
  code: null,
  subCode: null,
  latencyMs: 250,
  attempt: 1,
  outcome: "SUCCESS" as const,
  tier: "standard" as const,
  costCny: "0.020000",
  feeCny: "0.000000",
  priceVersion: null,
  ...over,
});

describe("process metrics", () => {
  it("counts latency by endpoint in cumulative buckets, errors by code and 429s, and still writes the ledger", async () => {
    const reg = new Registry();
    const inner = memoryLedger();
    const logged: string[] = [];
    const previous = setLogSink({ write: (l) => logged.push(l) });
    const ledger = meteredLedger(inner, reg);
    await ledger.record(entry());
    await ledger.record(entry({ latencyMs: 900 }));
    await ledger.record(entry({ outcome: "RATE_LIMITED", httpStatus: 429, code: "app-call-limited", latencyMs: 5 }));
    await ledger.record(entry({ outcome: "TIMEOUT", httpStatus: null, code: null, endpoint: "ai.refund.assess", traceId: "trace-2" }));
    setLogSink(previous);
    expect(inner.entries).toHaveLength(4);
    const text = reg.render();
    expect(text).toContain('alipay_call_duration_seconds_bucket{endpoint="ai.risk.score",le="0.3"} 2');
    expect(text).toContain('alipay_call_duration_seconds_bucket{endpoint="ai.risk.score",le="0.8"} 2');
    expect(text).toContain('alipay_call_duration_seconds_bucket{endpoint="ai.risk.score",le="1"} 3');
    expect(text).toContain('alipay_call_duration_seconds_bucket{endpoint="ai.risk.score",le="+Inf"} 3');
    expect(text).toContain('alipay_call_duration_seconds_sum{endpoint="ai.risk.score"} 1.155');
    expect(text).toContain('alipay_call_errors_total{endpoint="ai.risk.score",code="app-call-limited"} 1');
    expect(text).toContain('alipay_call_errors_total{endpoint="ai.refund.assess",code="timeout"} 1');
    expect(text).toContain('alipay_rate_limited_total{endpoint="ai.risk.score"} 1');
    expect(text).toContain("# TYPE alipay_call_duration_seconds histogram");
    // failures are logged with their trace id; successes only at debug
    expect(logged).toHaveLength(2);
    expect(JSON.parse(logged[1]!)).toMatchObject({ level: "warn", traceId: "trace-2", merchantId: "m-a", outcome: "TIMEOUT" });
  });

  it("escapes label values", () => {
    const reg = new Registry();
    reg.counter("x_total", "help", { code: 'a"b\\c\nd' });
    expect(reg.render()).toContain('x_total{code="a\\"b\\\\c\\nd"} 1');
  });
});

describe("database metrics", () => {
  let t: TestDb;
  const now = new Date("2026-12-02T10:00:00Z");
  beforeAll(async () => {
    t = await createTestDb();
    await t.runner.script(`
      INSERT INTO "Merchant"(id, name) VALUES ('m-a', 'A'), ('m-b', 'B');
      INSERT INTO "Job"(id, "merchantId", kind, "caseId", status, "runAt", "updatedAt") VALUES
        ('j1', 'm-a', 'assess', 'c1', 'QUEUED', '2026-12-02 09:59:30', now()),
        ('j2', 'm-a', 'assess', 'c2', 'QUEUED', '2026-12-02 09:58:00', now()),
        ('j3', 'm-b', 'assess', 'c3', 'QUEUED', '2026-12-02 10:05:00', now()),
        ('j4', 'm-b', 'execute_refund', 'c3', 'RUNNING', '2026-12-02 09:00:00', now()),
        ('j5', 'm-b', 'assess', 'c4', 'DONE', '2026-12-01 09:00:00', now());
      INSERT INTO "ApiCall"(id, "merchantId", endpoint, "requestId", "latencyMs", attempt, outcome, "costCny", "feeCny", "createdAt") VALUES
        ('a1', 'm-a', 'ai.risk.score', 'r1', 200, 1, 'SUCCESS', 0.02, 0, '2026-12-02 01:00:00'),
        ('a2', 'm-a', 'alipay.trade.refund', 'r2', 200, 1, 'SUCCESS', 0, 0.531, '2026-12-02 09:00:00'),
        ('a3', 'm-a', 'ai.risk.score', 'r3', 200, 1, 'SUCCESS', 0.05, 0, '2026-12-01 23:59:59');
      INSERT INTO "Case"(id, "merchantId", kind, status, "outTradeNo", "outRequestNo", "paidAmountFen", "requestedAmountFen", "reasonText", "customerId", "merchantCategory", "updatedAt") VALUES
        ('c1', 'm-a', 'REFUND', 'NEW', 'T1', 'R1', 100, 100, 'r', 'u', 'tea', now()),
        ('c2', 'm-a', 'REFUND', 'REVIEW', 'T2', 'R2', 100, 100, 'r', 'u', 'tea', now()),
        ('c5', 'm-a', 'REFUND', 'REFUNDED', 'T5', 'R5', 100, 100, 'r', 'u', 'tea', now());`);
  });
  afterAll(() => t.dispose());

  it("reports unfinished jobs, the oldest due job's age, open cases and today's spend per merchant", async () => {
    const text = await databaseMetrics(t.runner, now);
    expect(text).toContain('console_jobs{kind="assess",status="QUEUED"} 3');
    expect(text).toContain('console_jobs{kind="execute_refund",status="RUNNING"} 1');
    expect(text).not.toContain('status="DONE"');
    expect(text).toContain("console_job_lag_seconds 120\n"); // j2 is due since 09:58; j3 is not due yet
    expect(text).toContain('console_open_cases{status="NEW"} 1');
    expect(text).toContain('console_open_cases{status="REVIEW"} 1');
    expect(text).not.toContain('status="REFUNDED"');
    expect(text).toMatch(/console_spend_today_cny\{merchant="m-a"\} 0\.551(0+)?\n/); // yesterday's 0.05 is not today's
    expect(text).toMatch(/console_spend_today_cny\{merchant="m-b"\} 0\n/);
  });

  it("renders the database gauges and the process counters together", async () => {
    const reg = new Registry();
    reg.counter("alipay_calls_total", "h", { endpoint: "e", outcome: "SUCCESS" });
    const text = await renderMetrics(t.runner, reg);
    expect(text).toContain("# TYPE console_job_lag_seconds gauge");
    expect(text).toContain('alipay_calls_total{endpoint="e",outcome="SUCCESS"} 1');
  });
});
