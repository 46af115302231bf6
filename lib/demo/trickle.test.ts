import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../testing/db";
import { workflowHarness, type WorkflowHarness } from "../testing/workflow";
import { DEMO_MERCHANTS } from "./accounts";
import { startTrickle } from "./trickle";

describe("demo trickle", () => {
  let t: TestDb;
  let h: WorkflowHarness;
  beforeAll(async () => {
    t = await createTestDb();
    h = await workflowHarness(t);
    await t.prisma.merchant.createMany({ data: DEMO_MERCHANTS.map((m) => ({ id: m.id, name: m.name })) });
  });
  afterAll(async () => {
    await h.close();
    await t.dispose();
  });

  it("sends new refund requests through the intake, with trades the sandbox knows, until stopped", async () => {
    const stop = new AbortController();
    startTrickle({ deps: h.deps, client: h.deps.client, sandbox: h.sandbox, alipayPublicKey: "" }, { intervalMs: 40, signal: stop.signal });
    await expect.poll(() => t.prisma.case.count({ where: { kind: "REFUND" } }), { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    stop.abort();
    await new Promise((r) => setTimeout(r, 300)); // a tick already started may still finish
    const cases = await t.prisma.case.findMany();
    const trades = new Set(h.sandbox.state().trades.map((x) => x.out_trade_no));
    for (const c of cases) expect(trades.has(c.outTradeNo)).toBe(true);
    expect(await t.prisma.job.count({ where: { kind: "assess" } })).toBe(cases.length);
    const after = await t.prisma.case.count();
    await new Promise((r) => setTimeout(r, 200));
    expect(await t.prisma.case.count()).toBe(after);
  });
});
