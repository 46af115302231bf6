import { expect, test, type Page } from "@playwright/test";
import { ACCOUNTS, signIn, TEA, useLanguage } from "./fixtures";

test.describe.configure({ mode: "serial" });

async function status(page: Page) {
  return page.getByTestId("case-page").getAttribute("data-status");
}

async function nextByKeyboard(page: Page) {
  const before = page.url();
  await page.keyboard.press("n");
  await expect(page).not.toHaveURL(before);
  await expect(page.getByTestId("case-page")).toBeVisible();
  await expect(page.getByTestId("you-hold")).toBeVisible();
}

test.beforeEach(async ({ page }) => {
  await useLanguage(page, "en");
});

test("the queue shows lanes with counts, most urgent first, and the shortcuts", async ({ page }) => {
  await signIn(page, ACCOUNTS.agent);
  await page.goto(`${TEA}/review`);
  await expect(page.getByTestId("queue-row").first()).toBeVisible();
  expect(Number(await page.getByTestId("lane-count-all").textContent())).toBeGreaterThan(5);
  await page.keyboard.press("?");
  await expect(page.getByTestId("shortcuts-dialog")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("shortcuts-dialog")).toBeHidden();
  await page.keyboard.press("j");
  await expect(page.getByTestId("queue-row").nth(1)).toHaveAttribute("data-active", "true");
  await page.screenshot({ path: "test-results/screens/review-queue.png" });
});

test("the queue the browser takes over is the one the server drew, even with the browser's clock an hour off", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(e.message));
  await signIn(page, ACCOUNTS.agent);
  await page.clock.setFixedTime(new Date(Date.now() + 3_600_000));
  await page.goto(`${TEA}/review`);
  await expect(page.getByTestId("queue-row").first()).toBeVisible();
  await expect(page.getByTestId("queue-updated")).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(problems.filter((p) => /hydrat|#418|#425|did not match/i.test(p))).toEqual([]);
  // After a live refresh too, "updated" is the server's time, not the browser's hour-off clock.
  const updated = page.getByTestId("queue-updated");
  const first = (await updated.textContent()) ?? "";
  await expect(updated).not.toHaveText(first, { timeout: 15_000 }); // the 5-second refresh came
  const hour = (at: number) => new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", hour: "numeric", hour12: true }).format(at).replace(/\s?[AP]M/, "");
  const shown = /(\d{1,2}):\d{2}:\d{2}/.exec((await updated.textContent()) ?? "")?.[1];
  expect([hour(Date.now() - 60_000), hour(Date.now() + 60_000)]).toContain(shown);
});

test("an agent claims, approves, partially refunds and rejects with the keyboard only", async ({ page }) => {
  await signIn(page, ACCOUNTS.agent);
  await page.goto(`${TEA}/review?kind=REFUND`);
  await expect(page.getByTestId("queue-row").first()).toBeVisible();

  // 1: approve → the refund is sent and the case ends REFUNDED
  await nextByKeyboard(page);
  const first = page.url();
  await page.keyboard.press("a");
  await expect(page.getByTestId("submit-decision")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("case-status")).toContainText("Refunded", { timeout: 30_000 });
  await page.screenshot({ path: "test-results/screens/case-refunded.png", fullPage: true });

  // 2: partial refund of 1.00 CNY
  await page.keyboard.press("n");
  await expect(page).not.toHaveURL(first);
  await expect(page.getByTestId("you-hold")).toBeVisible();
  const second = page.url();
  await page.keyboard.press("p");
  await expect(page.getByTestId("partial-amount")).toBeFocused();
  await page.keyboard.type("1.00");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("case-status")).toContainText("Refunded", { timeout: 30_000 });
  await expect(page.getByTestId("refunded-amount")).toContainText("CN¥1.00");

  // 3: reject
  await page.keyboard.press("n");
  await expect(page).not.toHaveURL(second);
  await expect(page.getByTestId("you-hold")).toBeVisible();
  await page.keyboard.press("r");
  await expect(page.getByTestId("submit-decision")).toBeFocused();
  await expect(page.getByTestId("submit-decision")).toContainText("Reject");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("case-status")).toContainText("Rejected");
  await expect(page.getByTestId("timeline").locator('[data-action="case.rejected"]')).toContainText("Rejected");
  expect(await status(page)).toBe("REJECTED");
});

test("a second agent sees a claimed case as held and cannot decide it", async ({ page, browser }) => {
  await signIn(page, ACCOUNTS.agent);
  await page.goto(`${TEA}/review?kind=REFUND`);
  const href = await page.getByTestId("queue-row").first().locator("a").getAttribute("href");
  await page.goto(href!);
  await expect(page.getByTestId("you-hold")).toBeVisible();
  await page.screenshot({ path: "test-results/screens/case-page.png", fullPage: true });

  const other = await browser.newContext();
  await other.addCookies([{ name: "console-locale", value: "en", domain: "127.0.0.1", path: "/" }]);
  const second = await other.newPage();
  await signIn(second, ACCOUNTS.twoMerchants);
  await second.goto(href!);
  await expect(second.getByTestId("held-by")).toContainText("Li Na");
  // ...and until when at the latest: the time the holder sees on their own claim
  const until = /\d{1,2}:\d{2}(\s?[AP]M)?/.exec((await page.getByTestId("you-hold").textContent()) ?? "")![0];
  await expect(second.getByTestId("held-by")).toContainText(`until ${until}`);
  await expect(second.getByTestId("choose-approve")).toHaveCount(0);
  await second.goto(`${TEA}/review?kind=REFUND`);
  await expect(second.locator(`[data-testid=queue-row][data-case-id="${href!.split("/").pop()}"] [data-testid=holder]`)).toContainText("Li Na");
  await other.close();
});

test("a double-click on submit sends one refund", async ({ page }) => {
  await signIn(page, ACCOUNTS.agent);
  await page.goto(`${TEA}/review?kind=REFUND`);
  await nextByKeyboard(page);
  await page.getByTestId("choose-approve").click();
  await page.getByTestId("submit-decision").dblclick();
  await expect(page.getByTestId("case-status")).toContainText("Refunded", { timeout: 30_000 });
  const timeline = page.getByTestId("timeline");
  await expect(timeline.locator('[data-action="case.approved"]')).toHaveCount(1);
  await expect(timeline.locator('[data-action="refund.executed"]')).toHaveCount(1);
});

test("bulk reject asks for confirmation with the total and takes the cases off the queue", async ({ page }) => {
  await signIn(page, ACCOUNTS.gadgetsAgent);
  await page.goto("/m/m-gadgets/review?kind=REFUND");
  const rows = page.getByTestId("queue-row");
  await expect(rows.first()).toBeVisible();
  const ids = [await rows.nth(0).getAttribute("data-case-id"), await rows.nth(1).getAttribute("data-case-id")];
  await page.keyboard.press("x");
  await page.keyboard.press("j");
  await page.keyboard.press("x");
  await expect(page.getByTestId("bulk-bar")).toContainText("2 selected");
  await page.getByTestId("bulk-reject").click();
  await expect(page.getByTestId("bulk-confirm")).toContainText(/Reject 2 cases totalling CN¥[\d,.]+\?/);
  await page.getByTestId("bulk-confirm-button").click();
  await expect(page.getByTestId("queue-notice")).toContainText("2 decided, 0 could not be decided");
  for (const id of ids) await expect(page.locator(`[data-case-id="${id}"]`)).toHaveCount(0);
});

test("a refund Alipay refused waits in the failed lane with its error; a retry refunds it", async ({ page }) => {
  await signIn(page, ACCOUNTS.agent);
  await page.goto(`${TEA}/review`);
  const count = Number(await page.getByTestId("lane-count-failed").textContent());
  expect(count).toBeGreaterThan(0);
  await page.getByTestId("lane-failed").click();
  await expect(page).toHaveURL(/lane=failed/);
  const row = page.getByTestId("queue-row").first();
  await expect(row.getByTestId("row-error")).toContainText("ACQ.SELLER_BALANCE_NOT_ENOUGH");
  await expect(row.getByTestId("row-select")).toHaveCount(0); // no bulk decision on a failed case
  await page.screenshot({ path: "test-results/screens/review-failed-lane.png" });
  await page.keyboard.press("n"); // next case in this lane: claims the failed one
  await expect(page.getByTestId("last-error")).toContainText("SELLER_BALANCE_NOT_ENOUGH");
  await page.getByTestId("retry-refund").click();
  await expect(page.getByTestId("case-status")).toContainText("Refunded", { timeout: 30_000 });
  await page.goto(`${TEA}/review?lane=failed`);
  await expect(page.getByTestId("lane-count-failed")).toHaveText(String(count - 1));
});

test("a dispute reply Alipay refused waits in the failed lane; reopened, it comes back with the reply to correct", async ({ page }) => {
  await signIn(page, ACCOUNTS.agent);
  await page.goto(`${TEA}/review?lane=failed&kind=DISPUTE`);
  const count = Number(await page.getByTestId("lane-count-failed").textContent());
  const row = page.getByTestId("queue-row").first();
  await expect(row).toContainText("Dispute");
  await expect(row.getByTestId("row-error")).toContainText("INVALID_PARAMETER");
  await row.locator("a").click();
  await expect(page.getByTestId("last-error")).toContainText("must not ask the customer to leave Alipay");
  await expect(page.getByTestId("retry-refund")).toHaveCount(0);
  // What was sent is on the page, and no "nothing to decide" above the way out.
  await expect(page.getByTestId("sent-reply")).toContainText("Reply Alipay did not take");
  await expect(page.getByTestId("sent-reply")).toContainText(/WeChat|微信/);
  await expect(page.getByTestId("not-open")).toHaveCount(0);
  await page.getByTestId("reopen-dispute").click();
  await expect(page.getByTestId("case-status")).toContainText("In review");
  // The refused reply is the draft, with Alipay's answer beside it.
  await expect(page.getByTestId("reply-refused")).toContainText("INVALID_PARAMETER");
  const content = page.getByTestId("feedback-content");
  await expect(content).toHaveValue(/WeChat|微信/);
  await page.screenshot({ path: "test-results/screens/dispute-reopened.png" });
  const reply = "We have refunded the full amount to your Alipay balance; it arrives within 1-3 days.";
  await content.fill(reply);
  await expect(page.getByTestId("feedback-count")).toHaveText(`${reply.length}/200`);
  await page.getByTestId("submit-feedback").click();
  await expect(page.getByTestId("case-status")).toContainText("Feedback submitted", { timeout: 30_000 });
  await expect(page.getByTestId("sent-reply")).toContainText("Reply Alipay took");
  await expect(page.getByTestId("sent-reply")).toContainText(reply);
  await page.screenshot({ path: "test-results/screens/dispute-sent.png", fullPage: true });
  await page.goto(`${TEA}/review?lane=failed`);
  await expect(page.getByTestId("lane-count-failed")).toHaveText(String(count - 1));
});

test("an action that cannot reach the server leaves the console standing, with a way to try again", async ({ page }) => {
  await signIn(page, ACCOUNTS.agent);
  await page.goto(`${TEA}/review?lane=failed&kind=DISPUTE`);
  await page.getByTestId("queue-row").first().locator("a").click();
  const reopen = page.getByTestId("reopen-dispute");
  await expect(reopen).toBeVisible();
  // The connection drops: every server action (a POST to the page) fails.
  await page.route("**/cases/**", (route) => (route.request().method() === "POST" ? route.abort() : route.continue()));
  await reopen.click();
  await expect(page.getByTestId("page-error")).toContainText("Something went wrong");
  await expect(page.getByTestId("main-nav")).toBeVisible(); // the shell is still there
  await page.unroute("**/cases/**");
  await page.getByTestId("page-error-retry").click();
  await expect(page.getByTestId("reopen-dispute")).toBeVisible(); // nothing changed: still failed, still reopenable
});

test("finance cannot open the queue; an auditor reads the reasoning log, which is audited", async ({ page }) => {
  await signIn(page, ACCOUNTS.auditor);
  await page.goto(`${TEA}/cases?status=REFUNDED`);
  await page.getByTestId("case-row").first().locator("a").click();
  await expect(page.getByTestId("ai-panel")).toBeVisible();
  await page.getByTestId("show-reasoning").click();
  await expect(page.getByTestId("reasoning-log")).toContainText("PROMPT");
  await page.reload();
  await expect(page.getByTestId("timeline").locator('[data-action="reasoning.read"]').first()).toContainText("AI reasoning log read");
  await expect(page.getByTestId("choose-approve")).toHaveCount(0);
});
