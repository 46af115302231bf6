import { expect, test } from "@playwright/test";
import { ACCOUNTS, signIn, TEA, useLanguage } from "./fixtures";

const SECTIONS = ["review", "cases", "disputes", "thresholds", "insights", "costs", "audit"] as const;

test.beforeEach(async ({ page }) => {
  await useLanguage(page, "en");
});

test("every console page sends a signed-out visitor to sign-in", async ({ page }) => {
  for (const section of SECTIONS) {
    await page.goto(`${TEA}/${section}`);
    await expect(page).toHaveURL(/\/sign-in/);
  }
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
});

const EXPECTED_NAV: Record<string, string[]> = {
  [ACCOUNTS.agent]: ["review", "cases", "disputes"],
  [ACCOUNTS.admin]: ["review", "cases", "disputes", "thresholds", "insights", "costs", "audit", "apiKeys"],
  [ACCOUNTS.finance]: ["cases", "insights", "costs"],
  [ACCOUNTS.auditor]: ["review", "cases", "disputes", "thresholds", "insights", "costs", "audit"],
  [ACCOUNTS.gadgetsAgent]: ["review", "cases", "disputes"],
};

for (const [email, nav] of Object.entries(EXPECTED_NAV)) {
  test(`${email} signs in and sees exactly its navigation`, async ({ page }) => {
    await signIn(page, email);
    const links = page.getByTestId("main-nav").getByRole("link");
    await expect(links).toHaveCount(nav.length);
    for (const key of nav) await expect(page.getByTestId(`nav-${key}`)).toBeVisible();
  });
}

test("a wrong password is refused with a clear message", async ({ page }) => {
  await page.goto("/sign-in");
  await page.locator("#email").fill(ACCOUNTS.agent);
  await page.locator("#password").fill("not-the-password");
  await page.locator('form button[type="submit"]').click();
  await expect(page.getByTestId("sign-in-error")).toContainText("wrong");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a role opening a page it may not use sees not allowed", async ({ page }) => {
  await signIn(page, ACCOUNTS.agent);
  for (const section of ["costs", "thresholds", "audit", "insights"]) {
    await page.goto(`${TEA}/${section}`);
    await expect(page.getByTestId("not-allowed")).toBeVisible();
  }
  await expect(page.getByTestId("denied-reason")).toHaveText("Your role does not allow this.");
  // the whole page speaks the reader's language, the reason too
  await useLanguage(page, "zh-CN");
  await page.reload();
  await expect(page.getByTestId("not-allowed")).toContainText("无权访问");
  await expect(page.getByTestId("denied-reason")).toHaveText("您的角色无权执行此操作。");
});

test("finance opening the review queue sees not allowed, and a case leads back to the case list", async ({ page }) => {
  await signIn(page, ACCOUNTS.finance);
  await page.goto(`${TEA}/review`);
  await expect(page.getByTestId("not-allowed")).toBeVisible();
  await page.goto(`${TEA}/cases`);
  await page.getByTestId("case-row").first().locator("a").click();
  await expect(page.getByTestId("case-back")).toHaveText("← Back to cases");
  await page.getByTestId("case-back").click();
  await expect(page).toHaveURL(/\/cases$/);
});

test("another merchant's URL is refused, not filtered", async ({ page }) => {
  await signIn(page, ACCOUNTS.agent);
  await page.goto("/m/m-gadgets/cases");
  await expect(page.getByTestId("not-allowed")).toBeVisible();
  await expect(page.getByTestId("denied-reason")).toHaveText("You do not have access to this merchant.");
  await expect(page.getByTestId("case-table")).toHaveCount(0);
});

test("a user of two merchants switches between them", async ({ page }) => {
  await signIn(page, ACCOUNTS.twoMerchants);
  await page.goto(`${TEA}/cases`);
  await page.getByTestId("merchant-switch").selectOption("m-gadgets");
  await expect(page).toHaveURL(/\/m\/m-gadgets\/cases/);
  await expect(page.getByTestId("case-row").first()).toContainText("GAD");
});

test("sign out ends the session", async ({ page }) => {
  await signIn(page, ACCOUNTS.admin);
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto(`${TEA}/cases`);
  await expect(page).toHaveURL(/\/sign-in/);
});

test("cases list filters and paginates real data", async ({ page }) => {
  await signIn(page, ACCOUNTS.admin);
  await page.goto(`${TEA}/cases`);
  await expect(page.getByTestId("case-row")).toHaveCount(50);
  const summary = page.getByTestId("pagination-summary");
  await expect(summary).toHaveText(/^1–50 of 3,0\d\d$/); // 3,000 refunds and disputes, plus disputes that came back on approved trades
  await page.getByTestId("next-page").click();
  await expect(summary).toContainText("51–100 of");
  await page.getByTestId("filter-status").selectOption("REJECTED");
  await page.getByTestId("filter-kind").selectOption("REFUND");
  await page.getByTestId("filter-apply").click();
  await expect(page).toHaveURL(/status=REJECTED/);
  const rows = page.getByTestId("case-row");
  await expect(rows.first()).toBeVisible();
  for (const row of await rows.all()) await expect(row).toContainText("Rejected");
  await page.screenshot({ path: "test-results/screens/cases.png", fullPage: false });
});

test("a bad filter value gets a clear error", async ({ page }) => {
  await signIn(page, ACCOUNTS.admin);
  await page.goto(`${TEA}/cases?status=NOPE`);
  await expect(page.getByTestId("filter-error")).toContainText("Unknown filter value: status");
});

test("the language switch persists and formats money for the language", async ({ page }) => {
  await signIn(page, ACCOUNTS.agent);
  await page.goto(`${TEA}/cases`);
  await expect(page.getByRole("heading", { name: "Cases" })).toBeVisible();
  await expect(page.getByTestId("case-row").first()).toContainText("CN¥");
  await page.getByTestId("language-switch").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "案件" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "案件" })).toBeVisible();
  await expect(page.getByTestId("case-row").first()).toContainText("¥");
  await expect(page.getByTestId("case-row").first()).not.toContainText("CN¥");
});
