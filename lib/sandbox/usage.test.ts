import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox, SandboxState } from "./server";
import { call, startTestSandbox, TEST_APP_ID } from "./test-helpers";
import { UsageCounters } from "./usage";

describe("UsageCounters", () => {
  it("keeps the most accepted calls in any trailing window, and the refusals apart", () => {
    const u = new UsageCounters(1000);
    for (const t of [0, 100, 200]) u.rateLimited("a", t, true);
    u.rateLimited("a", 300, false);
    // 0 and 100 fall out of (150, 1150]: 200, 1100, 1150 are in it
    for (const t of [1100, 1150]) u.rateLimited("a", t, true);
    u.rateLimited("b", 50, true);
    const { apps } = u.view(3);
    expect(apps.a).toEqual({ limit: 3, accepted: 5, refused: 1, peak: 3, peakAt: new Date(200).toISOString(), peakAttempted: 4 });
    expect(apps.b).toMatchObject({ accepted: 1, refused: 0, peak: 1 });
  });

  it("a call exactly one window after another does not share its window", () => {
    const u = new UsageCounters(1000);
    u.rateLimited("a", 0, true);
    u.rateLimited("a", 1000, true);
    expect(u.view(1).apps.a?.peak).toBe(1);
  });

  it("counts calls and charges per app, endpoint and conversation, and lists any charged twice", () => {
    const u = new UsageCounters(60_000);
    u.aiCall("a", "refund_assess", "case-1:assess", true);
    u.aiCall("a", "refund_assess", "case-1:assess", false);
    u.aiCall("a", "risk_score", "case-1:assess", true);
    u.aiCall("b", "refund_assess", "case-1:assess", true);
    u.aiCall("a", "risk_score", undefined, true);
    u.aiCall("a", "dispute_analyze", "case-2:dispute", true);
    u.aiCall("a", "dispute_analyze", "case-2:dispute", true);
    const c = u.view(100).conversations;
    expect(c).toMatchObject({ count: 4, calls: 7, charged: 6, unkeyedCalls: 1 });
    expect(c.list.find((x) => x.appId === "a" && x.endpoint === "refund_assess")).toEqual({ appId: "a", endpoint: "refund_assess", conversationId: "case-1:assess", calls: 2, charged: 1 });
    expect(c.chargedMoreThanOnce).toEqual([{ appId: "a", endpoint: "dispute_analyze", conversationId: "case-2:dispute", calls: 2, charged: 2 }]);
    u.reset();
    expect(u.view(100)).toEqual({ windowMs: 60_000, apps: {}, conversations: { count: 0, calls: 0, charged: 0, unkeyedCalls: 0, chargedMoreThanOnce: [], list: [] } });
  });
});

describe("the gateway's own count, over the control API", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ rateLimitPerMinute: 3, rateLimitWindowMs: 2_000 });
  });
  afterAll(() => sandbox.close());
  afterEach(() => sandbox.reset());

  const usage = async () => ((await (await fetch(`${sandbox.url}/__sandbox/state`)).json()) as SandboxState).usage;
  const risk = (b: Record<string, unknown>) => call(sandbox, "POST", "/v3/alipay/ai/risk/score", b);

  it("counts accepted and refused calls per app and the peak per window", async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await risk({ conversation_id: `c-${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    await new Promise((r) => setTimeout(r, 2_050));
    expect((await risk({ conversation_id: "c-5" })).status).toBe(200);
    const u = await usage();
    expect(u.windowMs).toBe(2_000);
    expect(u.apps[TEST_APP_ID]).toMatchObject({ limit: 3, accepted: 4, refused: 2, peak: 3, peakAttempted: 5 });
    // a refused call never reached the AI
    expect(u.conversations).toMatchObject({ count: 4, calls: 4, charged: 4 });
  });

  it("an injected 429 is not the limiter's refusal; unsigned calls are not counted", async () => {
    sandbox.setFaults([{ kind: "rate_limit", count: 1 }]);
    expect((await risk({})).status).toBe(429);
    expect((await call(sandbox, "POST", "/v3/alipay/ai/risk/score", {}, { headers: { "content-type": "application/json" } })).status).toBe(401);
    expect((await usage()).apps[TEST_APP_ID]).toMatchObject({ accepted: 1, refused: 0, peak: 1 });
  });

  it("a retried conversation is one conversation, called twice and charged once; batch items count too", async () => {
    await risk({ conversation_id: "case-9:risk" });
    await risk({ conversation_id: "case-9:risk" });
    await call(sandbox, "POST", "/v3/alipay/ai/batch", { items: [{ type: "risk_score", request: { conversation_id: "case-9:risk" } }, { type: "dispute_analyze", request: { conversation_id: "case-8:dispute", complain_reason: "x" } }] });
    const c = (await usage()).conversations;
    expect(c.list).toEqual([
      { appId: TEST_APP_ID, endpoint: "risk_score", conversationId: "case-9:risk", calls: 3, charged: 1 },
      { appId: TEST_APP_ID, endpoint: "dispute_analyze", conversationId: "case-8:dispute", calls: 1, charged: 1 },
    ]);
    expect(c.chargedMoreThanOnce).toEqual([]);
  });

  it("reset forgets the counts", async () => {
    await risk({ conversation_id: "x" });
    sandbox.reset();
    expect((await usage()).apps).toEqual({});
  });
});
