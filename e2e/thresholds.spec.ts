import { expect, test } from "@playwright/test";
import { ACCOUNTS, signIn, useLanguage } from "./fixtures";

const GAD = "/m/m-gadgets";

test.beforeEach(async ({ page }) => {
  await useLanguage(page, "en");
});

test("an admin raises the confidence floor, sees the what-if move, saves, and the next case routes by the new version", async ({ page, request }) => {
  await signIn(page, "admin@gadgets.demo");
  await page.goto(`${GAD}/thresholds`);
  await expect(page.getByTestId("version-in-force")).toContainText("version 1");
  const review = page.getByTestId("whatif-REVIEW-candidate");
  await expect(review).toBeVisible();
  const before = Number((await review.textContent())!.replace(/\D/g, ""));
  await expect(page.getByTestId("whatif-REVIEW-change")).toContainText("±0");

  await page.getByTestId("field-confidenceFloor").fill("0.999");
  await expect.poll(async () => Number((await review.textContent())!.replace(/\D/g, ""))).toBeGreaterThan(before);
  await expect(page.getByTestId("whatif-REVIEW-change")).toContainText("+");
  await page.screenshot({ path: "test-results/screens/thresholds.png", fullPage: true });

  // A bad value is explained and cannot be saved.
  await page.getByTestId("field-autoApproveBelow").fill("0.8");
  await expect(page.getByText("Auto-approve must be below auto-reject")).toBeVisible();
  await expect(page.getByTestId("save-policy")).toBeDisabled();
  await page.getByTestId("field-autoApproveBelow").fill("0.3");

  await page.getByTestId("save-policy").click();
  await expect(page.getByTestId("version-in-force")).toContainText("version 2");
  await expect(page.getByTestId("version-diff")).toContainText("confidenceFloor");

  // The next new case is routed by version 2.
  await page.goto(`${GAD}/settings/api-keys`);
  await page.getByTestId("apikey-name").fill("threshold test");
  await page.getByTestId("apikey-create").click();
  const key = (await page.getByTestId("apikey-secret").textContent())!.trim();
  const res = await request.post("/api/v1/refund-requests", {
    headers: { Authorization: `Bearer ${key}`, "Idempotency-Key": `th-${Date.now()}` },
    data: { out_trade_no: `TH-${Date.now()}`, paid_amount: "50.00", refund_amount: "50.00", currency: "CNY", reason: "Wrong size", customer: { id: "2088000000000009" }, merchant_category: "accessories" },
  });
  expect(res.status()).toBe(201);
  const { id } = await res.json();
  await expect
    .poll(async () => (await (await request.get(`/api/v1/refund-requests/${id}`, { headers: { Authorization: `Bearer ${key}` } })).json()).status, { timeout: 30_000 })
    .not.toMatch(/NEW|ASSESSING/);
  await page.goto(`${GAD}/cases/${id}`);
  await expect(page.getByTestId("ai-panel")).toContainText("v2");
  await expect(page.getByTestId("route-reasons")).toContainText("Low confidence");
});

test("with four-eyes on, a change waits for a second admin and can be rolled back", async ({ page, browser }) => {
  await signIn(page, "admin@gadgets.demo");
  await page.goto(`${GAD}/thresholds`);
  await page.getByTestId("four-eyes").check();
  await expect(page.getByTestId("save-policy")).toContainText("second admin");
  await page.getByTestId("field-hitlLimit").fill("150");
  await page.getByTestId("save-policy").click();
  await expect(page.getByTestId("version-3")).toContainText("Waiting for approval");
  await expect(page.getByTestId("version-in-force")).toContainText("version 2");
  // The proposer cannot approve their own change.
  await page.getByTestId("approve-3").click();
  await expect(page.getByTestId("version-error")).toContainText("second admin");
  // Nobody else is an admin of this merchant in the demo, so the tea house admin cannot either.
  const other = await browser.newContext();
  const second = await other.newPage();
  await signIn(second, ACCOUNTS.admin);
  await second.goto(`${GAD}/thresholds`);
  await expect(second.getByTestId("not-allowed")).toBeVisible();
  await other.close();
  await page.getByTestId("four-eyes").uncheck();
  await page.getByTestId("rollback-1").click();
  await expect(page.getByTestId("version-4")).toContainText("Rollback to v1");
  await expect(page.getByTestId("version-in-force")).toContainText("version 4");
});
