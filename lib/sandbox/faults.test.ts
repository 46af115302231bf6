import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "./server";
import { call, startTestSandbox } from "./test-helpers";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.reset());

const RISK = "/v3/alipay/ai/risk/score";
const REFUND = "/v3/alipay/trade/refund";
const body = (r: { json: unknown }) => r.json as Record<string, unknown>;
const refundOf = (out: string) => sandbox.state().trades.find((t) => t.out_trade_no === out);

describe("fault injection over real HTTP", () => {
  it("rate_limit: a storm of N 429s with Retry-After, then normal service", async () => {
    sandbox.setFaults([{ kind: "rate_limit", count: 2, retryAfterSeconds: 3 }]);
    const a = await call(sandbox, "POST", RISK, {});
    const b = await call(sandbox, "POST", RISK, {});
    const c = await call(sandbox, "POST", RISK, {});
    expect([a.status, b.status, c.status]).toEqual([429, 429, 200]);
    expect(body(a).code).toBe("app-call-limited");
    expect(a.headers.get("retry-after")).toBe("3");
    expect(sandbox.state().faults[0]).toMatchObject({ fired: 2 });
  });

  it("server_error: 5xx JSON before anything happens", async () => {
    sandbox.createTrade({ out_trade_no: "S1", total_amount: "10.00" });
    sandbox.setFaults([{ kind: "server_error", path: REFUND, count: 1 }]);
    const r = await call(sandbox, "POST", REFUND, { out_trade_no: "S1", refund_amount: "1.00", out_request_no: "a" });
    expect([r.status, body(r).code, r.verified]).toEqual([503, "unknow-error", true]);
    expect(refundOf("S1")?.refund_fee).toBe("0.00");
  });

  it("server_error after the refund: outcome unknown but the money moved", async () => {
    sandbox.createTrade({ out_trade_no: "S2", total_amount: "10.00" });
    sandbox.setFaults([{ kind: "server_error", path: REFUND, count: 1, phase: "after", status: 500 }]);
    expect((await call(sandbox, "POST", REFUND, { out_trade_no: "S2", refund_amount: "1.00", out_request_no: "a" })).status).toBe(500);
    expect(refundOf("S2")?.refund_fee).toBe("1.00");
  });

  it("slow: the response is held past the client's timeout, the refund is made", async () => {
    sandbox.createTrade({ out_trade_no: "SL", total_amount: "10.00" });
    sandbox.setFaults([{ kind: "slow", path: REFUND, count: 1, delayMs: 400 }]);
    const started = Date.now();
    await expect(call(sandbox, "POST", REFUND, { out_trade_no: "SL", refund_amount: "2.00", out_request_no: "a" }, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(300);
    expect(refundOf("SL")?.refund_fee).toBe("2.00");
    const retry = await call(sandbox, "POST", REFUND, { out_trade_no: "SL", refund_amount: "2.00", out_request_no: "a" });
    expect(body(retry)).toMatchObject({ fund_change: "N", refund_fee: "2.00" });
  });

  it("drop: the connection dies after the refund was made; the retry is a no-op", async () => {
    sandbox.createTrade({ out_trade_no: "D1", total_amount: "10.00" });
    sandbox.setFaults([{ kind: "drop", path: REFUND, count: 1 }]);
    await expect(call(sandbox, "POST", REFUND, { out_trade_no: "D1", refund_amount: "3.00", out_request_no: "a" })).rejects.toThrow();
    expect(refundOf("D1")?.refund_fee).toBe("3.00");
    const query = await call(sandbox, "POST", "/v3/alipay/trade/fastpay/refund/query", { out_trade_no: "D1", out_request_no: "a" });
    expect(body(query).refund_status).toBe("REFUND_SUCCESS");
    const retry = await call(sandbox, "POST", REFUND, { out_trade_no: "D1", refund_amount: "3.00", out_request_no: "a" });
    expect(body(retry)).toMatchObject({ fund_change: "N", refund_fee: "3.00" });
    expect(sandbox.state().requests.recent.some((r) => r.status === "dropped" && r.fault === "drop")).toBe(true);
  });

  it("bad_signature: a 2xx whose signature does not verify", async () => {
    sandbox.setFaults([{ kind: "bad_signature", count: 1 }]);
    const r = await call(sandbox, "POST", RISK, {});
    expect(r.status).toBe(200);
    expect(r.headers.get("alipay-signature")).toBeTruthy();
    expect(r.verified).toBe(false);
  });

  it("missing_signature: a 2xx without signature headers", async () => {
    sandbox.setFaults([{ kind: "missing_signature", count: 1 }]);
    const r = await call(sandbox, "POST", RISK, {});
    expect(r.status).toBe(200);
    expect(r.headers.get("alipay-signature")).toBeNull();
    expect(r.headers.get("alipay-timestamp")).toBeNull();
    expect(r.verified).toBe(false);
  });

  it("error_200: HTTP 200 with an error code in a signed body, nothing done", async () => {
    sandbox.createTrade({ out_trade_no: "E1", total_amount: "10.00" });
    sandbox.setFaults([{ kind: "error_200", path: REFUND, count: 1 }, { kind: "error_200", path: RISK, count: 1, code: "method-call-limited" }]);
    const r = await call(sandbox, "POST", REFUND, { out_trade_no: "E1", refund_amount: "1.00", out_request_no: "a" });
    expect([r.status, body(r).code, r.verified]).toEqual([200, "ACQ.SYSTEM_ERROR", true]);
    expect(refundOf("E1")?.refund_fee).toBe("0.00");
    const ai = await call(sandbox, "POST", RISK, {});
    expect([ai.status, body(ai).code]).toEqual([200, "method-call-limited"]);
  });

  it("non_json: an unsigned HTML 502", async () => {
    sandbox.setFaults([{ kind: "non_json", count: 1 }]);
    const r = await call(sandbox, "POST", RISK, {});
    expect(r.status).toBe(502);
    expect(r.headers.get("content-type")).toMatch(/text\/html/);
    expect(r.json).toBeNull();
    expect(r.verified).toBe(false);
  });

  it("targets by path and method, skips, and counts", async () => {
    sandbox.setFaults([{ kind: "server_error", path: "/v3/alipay/ai/", method: "POST", skip: 1, count: 1 }]);
    expect((await call(sandbox, "POST", "/v3/alipay/trade/fastpay/refund/query", { out_trade_no: "x" })).status).toBe(400);
    expect((await call(sandbox, "POST", RISK, {})).status).toBe(200);
    expect((await call(sandbox, "POST", RISK, {})).status).toBe(503);
    expect((await call(sandbox, "POST", RISK, {})).status).toBe(200);
  });

  it("probability draws from the seeded RNG: the same seed gives the same sequence", async () => {
    const run = async (seed: string) => {
      const s = await startTestSandbox({ seed, faults: [{ kind: "server_error", probability: 0.5 }] });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) statuses.push((await call(s, "POST", RISK, {})).status);
        return statuses;
      } finally {
        await s.close();
      }
    };
    const a = await run("s-1");
    expect(await run("s-1")).toEqual(a);
    expect(a).toContain(503);
    expect(a).toContain(200);
  });

  it("latency is drawn from the configured range", async () => {
    const s = await startTestSandbox({ latencyMs: [60, 80] });
    try {
      const started = Date.now();
      await call(s, "POST", RISK, {});
      expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    } finally {
      await s.close();
    }
  });
});
