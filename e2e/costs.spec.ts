import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { ACCOUNTS, signIn, TEA, useLanguage } from "./fixtures";

/** "12.340000" and "¥12.34" and "1,234.5" all become the same canonical decimal. */
const canon = (s: string) => {
  const plain = s.replace(/[^\d.-]/g, "");
  const [whole, frac = ""] = plain.split(".");
  return `${BigInt(whole || "0")}.${frac.replace(/0+$/, "").padEnd(2, "0")}`;
};

async function download(page: Page) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  const text = readFileSync((await file.path())!, "utf8").replace(/^\uFEFF/, "");
  return text.trim().split("\r\n");
}

/** The cells of a CSV line (numbers in the locale format are quoted: "1,234.56"). */
const cells = (line: string) => [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1]!.replace(/^"|"$/g, "").replace(/""/g, '"')).slice(0, 9);

test.beforeEach(async ({ page }) => {
  await useLanguage(page, "en");
});

test("a finance user opens costs, changes the range, exports CSV, and the file's total equals the screen's", async ({ page }) => {
  await signIn(page, ACCOUNTS.finance);
  await page.getByTestId("main-nav").getByRole("link", { name: "Costs" }).click();
  await expect(page.getByRole("heading", { name: "Costs" })).toBeVisible();
  const api = page.getByTestId("kpi-api");
  const thirty = await api.getAttribute("data-exact");
  await expect(page.getByTestId("chart-spend")).toBeVisible();
  await expect(page.getByTestId("chart-endpoints")).toBeVisible();

  await page.getByTestId("range-last90").click();
  await expect(page).toHaveURL(/from=/);
  await expect.poll(() => api.getAttribute("data-exact")).not.toBe(thirty);
  await page.getByTestId("range-granularity").selectOption("week");
  await page.getByTestId("range-apply").click();
  await expect(page).toHaveURL(/granularity=week/);
  await expect(page.getByTestId("table-week")).toBeVisible();
  await page.getByTestId("chart-spend").locator(".recharts-bar-rectangle").first().hover();
  await page.screenshot({ path: "docs/screenshots/costs.png", fullPage: true });

  const screenApi = (await api.getAttribute("data-exact"))!;
  const screenFees = (await page.getByTestId("kpi-fees").getAttribute("data-exact"))!;
  // the shown amount is the exact one, only formatted
  expect(canon((await api.textContent())!)).toBe(canon(screenApi));

  for (const view of ["week", "endpoint", "workflow"]) {
    await page.getByTestId("export-view").selectOption(view);
    const lines = await download(page);
    const total = cells(lines.at(-1)!);
    expect(total[0]).toBe("Total");
    expect(total[4], view).toBe(screenApi);
    expect(total[7], view).toBe(screenFees);
  }

  // numbers in the English format: still the same total
  await page.getByTestId("export-format").selectOption("en");
  const total = cells((await download(page)).at(-1)!);
  expect(total[4]).toMatch(/,|^\d{1,3}\./);
  expect(canon(total[4]!)).toBe(canon(screenApi));
});

test("finance sets a small budget: the burn-down and the 100% alert show, once", async ({ page }) => {
  await signIn(page, ACCOUNTS.finance);
  await page.goto(`${TEA}/costs`);
  await page.getByTestId("budget-input").fill("0.01");
  await page.getByTestId("budget-save").click();
  await expect(page.getByTestId("budget-message")).toContainText("Budget saved");
  await expect(page.getByTestId("budget-alert")).toContainText("passed the budget");
  await expect(page.getByTestId("budget-alerts")).toContainText("100%");
  await expect(page.getByTestId("chart-burn")).toBeVisible();
  await page.getByTestId("budget-input").fill("abc");
  await page.getByTestId("budget-save").click();
  await expect(page.getByTestId("budget-message")).toContainText("yuan amount");
  await page.getByTestId("budget-input").fill("100000");
  await page.getByTestId("budget-save").click();
  await expect(page.getByTestId("budget-message")).toContainText("Budget saved");
  await page.getByTestId("budget-panel").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "docs/screenshots/costs-budget.png", fullPage: true });

  await useLanguage(page, "zh-CN");
  await page.goto(`${TEA}/costs`);
  await expect(page.getByRole("heading", { name: "成本" })).toBeVisible();
  await page.screenshot({ path: "docs/screenshots/costs-zh.png", fullPage: true });
});

test("an agent sees no costs, not in the menu and not by URL", async ({ page, request }) => {
  await signIn(page, ACCOUNTS.agent);
  await expect(page.getByTestId("main-nav").getByRole("link", { name: "Costs" })).toHaveCount(0);
  await page.goto(`${TEA}/costs`);
  await expect(page.getByTestId("not-allowed")).toBeVisible();
  await expect(page.getByTestId("budget-alert")).toHaveCount(0);
  const res = await page.request.get(`/api/m/m-teahouse/costs/export?from=2026-11-01&to=2026-11-30`);
  expect(res.status()).toBe(403);
  expect((await request.get(`/api/m/m-teahouse/costs/export?from=2026-11-01&to=2026-11-30`)).status()).toBe(401);
});
