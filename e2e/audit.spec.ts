import { expect, test } from "@playwright/test";
import { ACCOUNTS, signIn, TEA, useLanguage } from "./fixtures";

test.beforeEach(async ({ page }) => {
  await useLanguage(page, "en");
});

test("an auditor sees the verified chain, filters, pages, and the reasoning read and export are in the trail", async ({ page }) => {
  await signIn(page, ACCOUNTS.auditor);

  // read one reasoning log first: that read must show up in the trail
  await page.goto(`${TEA}/cases?status=REFUNDED`);
  await page.getByTestId("case-row").first().locator("a").click();
  await page.waitForURL(/\/cases\/[^/?]+$/);
  const caseId = page.url().split("/").pop()!;
  await page.getByTestId("show-reasoning").click();
  await expect(page.getByTestId("reasoning-log")).toContainText("PROMPT");

  await page.goto(`${TEA}/audit`);
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await expect(page.getByTestId("chain-status")).toHaveAttribute("data-state", "ok");
  await expect(page.getByTestId("chain-status")).toContainText(/Chain intact: [\d,]+ events verified/);
  await expect(page.getByTestId("audit-row")).toHaveCount(50);
  await page.screenshot({ path: "docs/screenshots/audit.png", fullPage: false });

  // filter by action and case: the read above, by this auditor
  await page.getByTestId("filter-action").selectOption("reasoning.read");
  await page.getByTestId("filter-target").fill(caseId);
  await page.getByTestId("filter-apply").click();
  await expect(page).toHaveURL(/action=reasoning\.read/);
  await expect(page.getByTestId("audit-row")).toHaveCount(1);
  await expect(page.getByTestId("audit-row").first()).toContainText("auditor@teahouse.demo");
  await expect(page.getByTestId("audit-row").first()).toContainText(caseId);

  // keyset paging of one action: the next page is older and different
  await page.goto(`${TEA}/audit?action=case.approved`);
  const firstPage = await page.getByTestId("audit-row").allTextContents();
  expect(firstPage.length).toBe(50);
  for (const row of firstPage) expect(row).toContain("case.approved");
  await page.getByTestId("older-page").click();
  await expect(page).toHaveURL(/before=\d+\.\d+/);
  const secondPage = await page.getByTestId("audit-row").allTextContents();
  expect(secondPage.length).toBeGreaterThan(0);
  expect(secondPage.filter((r) => firstPage.includes(r))).toEqual([]);
  await expect(page.getByTestId("audit-changes").first()).toContainText("status: REVIEW → ");

  // the export has the same filters, and is itself recorded
  const href = await page.getByTestId("audit-export").getAttribute("href");
  expect(href).toContain("action=case.approved");
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("text/csv");
  const csv = await res.text();
  expect(csv).toContain("id,seq,created_at,merchant_id,actor_id,actor,action,target_type,target_id,before,after,hash");
  expect(csv.split("\r\n").slice(1, -1).every((line) => line.includes(",case.approved,"))).toBe(true);
  await page.goto(`${TEA}/audit?action=audit.exported`);
  await expect(page.getByTestId("audit-row").first()).toContainText("auditor@teahouse.demo");

  await useLanguage(page, "zh-CN");
  await page.goto(`${TEA}/audit`);
  await expect(page.getByTestId("chain-status")).toContainText("哈希链完整");
  await page.screenshot({ path: "docs/screenshots/audit-zh.png", fullPage: false });
});

test("an agent may not see the audit log or export it; a bad filter is explained", async ({ page }) => {
  await signIn(page, ACCOUNTS.agent);
  await page.goto(`${TEA}/audit`);
  await expect(page.getByTestId("not-allowed")).toBeVisible();
  expect((await page.request.get(`/api/m/m-teahouse/audit/export`)).status()).toBe(403);

  await page.context().clearCookies();
  await useLanguage(page, "en");
  await signIn(page, ACCOUNTS.auditor);
  await page.goto(`${TEA}/audit?from=yesterday`);
  await expect(page.getByTestId("filter-error")).toContainText("from");
  expect((await page.request.get(`/api/m/m-gadgets/audit/export`)).status()).toBe(403);
});
