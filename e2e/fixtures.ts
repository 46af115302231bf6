import { expect, type Page } from "@playwright/test";

export const PASSWORD = "demo-password";

export const ACCOUNTS = {
  agent: "agent@teahouse.demo",
  admin: "admin@teahouse.demo",
  finance: "finance@teahouse.demo",
  auditor: "auditor@teahouse.demo",
  gadgetsAgent: "agent@gadgets.demo",
  twoMerchants: "agent2@demo.demo",
} as const;

export const TEA = "/m/m-teahouse";

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(password);
  await page.locator('form button[type="submit"]').click();
  await expect(page.getByTestId("main-nav")).toBeVisible();
}

export async function useLanguage(page: Page, locale: "en" | "zh-CN" = "en") {
  await page.context().addCookies([{ name: "console-locale", value: locale, domain: "127.0.0.1", path: "/" }]);
}
