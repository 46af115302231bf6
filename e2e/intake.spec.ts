import { expect, test } from "@playwright/test";
import { ACCOUNTS, signIn, TEA, useLanguage } from "./fixtures";

const ENDPOINT = "/api/v1/refund-requests";

const body = (patch: Record<string, unknown> = {}) => ({
  out_trade_no: `E2E-${Date.now()}`,
  paid_amount: "128.00",
  refund_amount: "88.50",
  currency: "CNY",
  reason: "茶叶包装破损",
  customer: { id: "2088000000000001", device_fingerprint: "fp-e2e" },
  merchant_category: "tea",
  ...patch,
});

test.beforeEach(async ({ page }) => {
  await useLanguage(page, "en");
});

test("an admin creates an API key and the merchant's system sends refund requests with it", async ({ page, request }) => {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, ACCOUNTS.admin);
  await page.goto(`${TEA}/settings/api-keys`);
  await page.getByTestId("apikey-name").fill("E2E order system");
  await page.getByTestId("apikey-create").click();

  const secret = page.getByTestId("apikey-secret");
  await expect(secret).toHaveText(/^sk_live_[A-Za-z0-9]{8}_[A-Za-z0-9]{32}$/);
  const key = (await secret.textContent())!.trim();
  await page.getByTestId("apikey-copy").click();
  await expect(page.getByTestId("apikey-copy")).toContainText("Copied");
  const row = page.getByTestId("apikey-row").filter({ hasText: "E2E order system" });
  await expect(row).toHaveAttribute("data-revoked", "false");
  await expect(row).toContainText(key.split("_")[2]!);

  // Shown once: after a reload the key is nowhere on the page.
  await page.reload();
  await expect(page.getByTestId("apikey-secret")).toHaveCount(0);
  expect(await page.content()).not.toContain(key);

  const order = body();
  const headers = { Authorization: `Bearer ${key}`, "Idempotency-Key": `e2e-${Date.now()}` };
  const first = await request.post(ENDPOINT, { headers, data: order });
  expect(first.status()).toBe(201);
  const created = await first.json();
  expect(created).toMatchObject({ status: "NEW", requested_amount: "88.50", out_request_no: expect.stringMatching(/^RF/) });

  const again = await request.post(ENDPOINT, { headers, data: order });
  expect(again.status()).toBe(200);
  expect(again.headers()["idempotent-replayed"]).toBe("true");
  expect((await again.json()).id).toBe(created.id);

  const changed = await request.post(ENDPOINT, { headers, data: { ...order, refund_amount: "10.00" } });
  expect(changed.status()).toBe(409);
  expect((await changed.json()).error.code).toBe("conflict");

  const bad = await request.post(ENDPOINT, {
    headers: { ...headers, "Idempotency-Key": `e2e-bad-${Date.now()}` },
    data: { ...order, refund_amount: "300.00" },
  });
  expect(bad.status()).toBe(400);
  const badJson = await bad.json();
  expect(badJson.error.code).toBe("invalid_request");
  expect(Object.keys(badJson.error.fields)).toEqual(["refund_amount"]);

  const noKey = await request.post(ENDPOINT, { headers: { Authorization: `Bearer ${key}` }, data: body() });
  expect(noKey.status()).toBe(400);
  expect(Object.keys((await noKey.json()).error.fields)).toEqual(["Idempotency-Key"]);

  const status = await request.get(`${ENDPOINT}/${created.id}`, { headers: { Authorization: `Bearer ${key}` } });
  expect(status.status()).toBe(200);
  expect((await status.json()).out_request_no).toBe(created.out_request_no);

  await row.getByTestId("apikey-revoke").click();
  await row.getByTestId("apikey-revoke-confirm").click();
  await expect(row).toHaveAttribute("data-revoked", "true");
  await expect(row.getByTestId("apikey-status")).toContainText("Revoked");

  const revoked = await request.post(ENDPOINT, { headers: { ...headers, "Idempotency-Key": `e2e-after-${Date.now()}` }, data: body() });
  expect(revoked.status()).toBe(401);
  expect((await revoked.json()).error.code).toBe("unauthenticated");
});

test("a request without a valid API key is refused with 401", async ({ request }) => {
  const anonymous = await request.post(ENDPOINT, { headers: { "Idempotency-Key": "x" }, data: body() });
  expect(anonymous.status()).toBe(401);
  const garbage = await request.post(ENDPOINT, { headers: { Authorization: "Bearer sk_live_nope", "Idempotency-Key": "x" }, data: body() });
  expect(garbage.status()).toBe(401);
});

test("an agent cannot open the API keys page", async ({ page }) => {
  await signIn(page, ACCOUNTS.agent);
  await page.goto(`${TEA}/settings/api-keys`);
  await expect(page.getByTestId("not-allowed")).toBeVisible();
  await expect(page.getByTestId("apikey-create")).toHaveCount(0);
});
