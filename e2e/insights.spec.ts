import { expect, test } from "@playwright/test";
import { ACCOUNTS, signIn, TEA, useLanguage } from "./fixtures";

test("an admin sees the distributions, the drift with its markers, the mix and the overrules, and acknowledges a drift alert", async ({ page }) => {
  await useLanguage(page, "en");
  await signIn(page, ACCOUNTS.admin);
  await page.goto(`${TEA}/insights`);
  await expect(page.getByRole("heading", { name: "Risk insights" })).toBeVisible();
  for (const id of ["score-histogram", "confidence-histogram", "drift-psi", "drift-ks", "mix-chart"]) {
    await expect(page.getByTestId(id).locator("svg.recharts-surface[role=application]").first()).toBeVisible();
  }
  // Bars for the window, the reference line, the thresholds in force, and the model-change marker on the drift axis.
  await expect(page.getByTestId("score-histogram").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("score-histogram")).toContainText("Auto-approve below 0.3");
  await expect(page.getByTestId("drift-psi")).toContainText("Model risk-2026.11");
  await expect(page.getByTestId("drift-psi")).toContainText("significant");
  await expect(page.getByTestId("kpi-psi")).toContainText("significant");
  await expect(page.getByTestId("overrules-agent")).toContainText("%");

  // The seeded shift was recorded as an alert; every page shows it to admins.
  await expect(page.getByTestId("drift-alert").first()).toContainText("Risk-score PSI above 0.25");
  await page.screenshot({ path: "docs/screenshots/insights.png", fullPage: true });
  await page.goto(`${TEA}/cases`);
  await expect(page.getByTestId("drift-alert-banner")).toContainText("open drift alert");

  await page.goto(`${TEA}/insights`);
  const before = await page.getByTestId("drift-alert").count();
  await page.getByTestId("acknowledge-alert").first().click();
  await expect(page.getByTestId("drift-alert")).toHaveCount(before - 1);
});

test("filters narrow the data, an unknown model shows the empty state, a bad filter is explained", async ({ page }) => {
  await useLanguage(page, "en");
  await signIn(page, ACCOUNTS.admin);
  await page.goto(`${TEA}/insights`);
  await page.locator("#f-category").selectOption("tea");
  await page.locator("#f-days").selectOption("30");
  await page.getByTestId("apply-filters").click();
  await expect(page).toHaveURL(/category=tea/);
  await expect(page.locator("#f-category")).toHaveValue("tea");
  await expect(page.getByTestId("score-histogram").locator("svg.recharts-surface[role=application]")).toBeVisible();

  await page.goto(`${TEA}/insights?model=no-such-model`);
  await expect(page.getByTestId("insights-empty")).toBeVisible();
  await page.goto(`${TEA}/insights?days=5`);
  await expect(page.getByTestId("bad-filter")).toBeVisible();
});

test("an auditor reads the insights in Chinese without acknowledging; an agent may not open them", async ({ page }) => {
  // The other merchant: its drift alert is still open whatever the admin test acknowledged.
  await useLanguage(page, "zh-CN");
  await signIn(page, "auditor@gadgets.demo");
  await page.goto(`/m/m-gadgets/insights`);
  await expect(page.getByRole("heading", { name: "风险洞察" })).toBeVisible();
  await expect(page.getByTestId("drift-psi").locator("svg.recharts-surface[role=application]")).toBeVisible();
  await expect(page.getByTestId("drift-psi")).toContainText("模型 risk-2026.11");
  await expect(page.getByTestId("overrules")).toContainText("人工推翻");
  await expect(page.getByTestId("drift-alert").first()).toBeVisible();
  await expect(page.getByTestId("acknowledge-alert")).toHaveCount(0);
  await page.screenshot({ path: "docs/screenshots/insights-zh.png", fullPage: true });

  await page.context().clearCookies();
  await useLanguage(page, "en");
  await signIn(page, ACCOUNTS.agent);
  await page.goto(`${TEA}/insights`);
  await expect(page.getByText("Not allowed")).toBeVisible();
  await expect(page.getByTestId("drift-alert-banner")).toHaveCount(0);
});
