import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_APP_ID } from "../sandbox/test-helpers";
import { createTestDb, type TestDb } from "../testing/db";
import { workflowHarness, type WorkflowHarness } from "../testing/workflow";
import { merchantAppAuthTokens, MerchantNotConnectedError } from "./app-auth";

describe("whom a call for a merchant acts as", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await t.prisma.merchant.createMany({
      data: [
        { id: "m-loose", name: "No app, no owner yet" },
        { id: "m-other-app", name: "Another app, no token", alipayAppId: "2021000000000555" },
      ],
    });
  });
  afterAll(() => t.dispose());

  it("calls as the app itself only for the app's own merchant, or for a merchant with no app while the app has no owner", async () => {
    const tokenFor = merchantAppAuthTokens(t.prisma, TEST_APP_ID);
    expect(await tokenFor("m-loose")).toBeNull();
    await expect(tokenFor("m-other-app")).rejects.toBeInstanceOf(MerchantNotConnectedError);
    await expect(tokenFor("m-nobody")).rejects.toThrow(/does not exist/);

    await t.prisma.merchant.create({ data: { id: "m-own", name: "The app's own", alipayAppId: TEST_APP_ID } });
    expect(await tokenFor("m-own")).toBeNull();
    // Once the app has an owner, a merchant without an app is nobody's: it would act on the owner's account.
    await expect(tokenFor("m-loose")).rejects.toThrow(/belongs to another merchant/);
  });

  it("sends an authorized merchant's token, and a newly connected merchant's at once (a refusal is not remembered)", async () => {
    const tokenFor = merchantAppAuthTokens(t.prisma, TEST_APP_ID);
    await expect(tokenFor("m-other-app")).rejects.toMatchObject({ code: "merchant-not-connected", retryable: false });
    await t.prisma.merchant.update({ where: { id: "m-other-app" }, data: { alipayAppAuthToken: "2021000000000555tok" } });
    expect(await tokenFor("m-other-app")).toBe("2021000000000555tok");
    // a definite answer is kept for the ttl: one read a minute per merchant, not one per call
    await t.prisma.merchant.update({ where: { id: "m-other-app" }, data: { alipayAppAuthToken: "2021000000000555new" } });
    expect(await tokenFor("m-other-app")).toBe("2021000000000555tok");
    expect(await merchantAppAuthTokens(t.prisma, TEST_APP_ID, 0)("m-other-app")).toBe("2021000000000555new");
  });
});

describe("the client for a merchant it may not act for", () => {
  let t: TestDb;
  let h: WorkflowHarness;
  beforeAll(async () => {
    t = await createTestDb();
    h = await workflowHarness(t);
    await t.prisma.merchant.createMany({
      data: [
        { id: "m-own", name: "Own", alipayAppId: TEST_APP_ID },
        { id: "m-cut-off", name: "Token revoked", alipayAppId: "2021000000000556" },
      ],
    });
  });
  afterAll(async () => {
    await h.close();
    await t.dispose();
  });

  it("sends nothing, not even to the app's own account, and says why", async () => {
    h.sandbox.createTrade({ out_trade_no: "OWN-1", total_amount: "50.00" });
    const sent = () => h.sandbox.state().requests.total;
    const before = sent();
    await expect(h.deps.client.refund({ out_trade_no: "OWN-1", refund_amount: 5_000, out_request_no: "r-cut" }, { merchantId: "m-cut-off" })).rejects.toThrow(/has not authorized/);
    await expect(h.deps.client.complaintBatchQuery({ page_num: 1, page_size: 20 }, { merchantId: "m-cut-off" })).rejects.toBeInstanceOf(MerchantNotConnectedError);
    expect(sent()).toBe(before);
    expect(h.sandbox.state().trades.find((x) => x.out_trade_no === "OWN-1")!.refunds).toEqual([]);
    expect((await h.deps.client.refund({ out_trade_no: "OWN-1", refund_amount: 100, out_request_no: "r-own" }, { merchantId: "m-own" })).data.fund_change).toBe("Y");
  });
});
