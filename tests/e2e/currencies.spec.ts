import { expect, test, type Browser, type Page } from "@playwright/test";
import { signInByMagicLink } from "./support";

/**
 * Money in a currency without cents and in one with three decimals, in a real browser: a yen shop
 * (points, one per yen) and a dinar shop (10% cashback). The cashier types the purchase, the card
 * page shows the result, the payout settings take the threshold in the currency. What the Apple
 * and Google passes and the payout CSV write is checked in tests/integration/money-currencies.test.ts
 * (the browser build runs without wallet certificates and without Inngest).
 */
test.describe.configure({ mode: "serial" });

const run = Date.now().toString(36);

/** A new owner sets up a business in `currency` with one program, and lands on its page. */
async function openShop(browser: Browser, shop: { name: string; currency: string; program: string; cashbackPercent?: number; step: string }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInByMagicLink(page, `owner-${shop.currency.toLowerCase()}-${run}@e2e.test`);
  await expect(page.getByRole("heading", { name: "Welcome to Keepcard" })).toBeVisible();
  await page.getByLabel("Business name").fill(shop.name);
  await page.getByLabel("Currency").selectOption(shop.currency);
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page.getByRole("heading", { name: "Create your first program" })).toBeVisible();
  if (shop.cashbackPercent) {
    await page.getByLabel("Kind").selectOption("cashback");
    await page.getByLabel("Cashback %").fill(String(shop.cashbackPercent));
  } else {
    await expect(page.getByLabel(`Points per 1 ${shop.currency}`)).toHaveValue("1");
  }
  await page.getByLabel("Program name").fill(shop.program);
  // The minimum spend is typed in the shop's currency, with its decimals.
  await expect(page.getByLabel(`Minimum spend (${shop.currency})`)).toHaveAttribute("step", shop.step);
  await page.getByRole("button", { name: "Create program" }).click();
  await expect(page.getByRole("heading", { name: "Invite your staff" })).toBeVisible();
  await page.getByRole("button", { name: "Go to the dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  await page.goto("/dashboard/programs");
  await page.getByRole("link", { name: new RegExp(shop.program) }).click();
  await expect(page.getByRole("heading", { name: shop.program })).toBeVisible();
  const programId = /\/dashboard\/programs\/([^/?]+)/.exec(page.url())![1]!;
  return { page, programId, close: () => context.close() };
}

/** A customer joins the program and keeps the card page open; returns it and the member code. */
async function join(browser: Browser, programId: string, name: string) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const card = await context.newPage();
  await card.goto(`/join/${programId}`);
  await card.getByLabel("Your name").fill(name);
  await card.getByLabel("Email", { exact: true }).fill(`${name.split(" ")[0]!.toLowerCase()}-${run}@e2e.test`);
  await card.getByRole("checkbox", { name: /I want to join/ }).check();
  await card.getByRole("button", { name: "Get my card" }).click();
  await expect(card).toHaveURL(/\/c\//);
  const memberCode = (await card.getByText(/^Member code /).textContent())!.replace("Member code ", "").trim();
  return { card, memberCode, close: () => context.close() };
}

/** At the counter: find the card by its member code. */
async function findCard(page: Page, memberCode: string, customer: string) {
  await page.goto("/staff");
  await page.getByLabel(/member code/i).fill(memberCode);
  await page.getByRole("button", { name: "Find" }).click();
  await expect(page.getByTestId("scanned-card")).toContainText(customer);
}

test("a yen shop: ¥1,250 at the counter earns 1,250 points, and yen take no decimals", async ({ browser }) => {
  const shop = await openShop(browser, { name: "Kissa Tokyo", currency: "JPY", program: "Kissa Points", step: "1" });
  const customer = await join(browser, shop.programId, "Haru Customer");
  await findCard(shop.page, customer.memberCode, "Haru Customer");

  const amount = shop.page.getByLabel("Purchase amount (JPY)");
  await expect(amount).toHaveAttribute("step", "1");
  await amount.fill("12.5");
  await expect(amount).toHaveAccessibleDescription("12.5 is not an amount in JPY: JPY amounts have no decimals.");
  await expect(shop.page.getByRole("button", { name: "Award" })).toBeDisabled();

  await amount.fill("1250");
  await expect(amount).not.toHaveAttribute("aria-invalid", "true");
  await shop.page.getByRole("button", { name: "Award" }).click();
  await expect(shop.page.getByTestId("confirmation-title")).toHaveText("+1,250 points");
  await expect(shop.page.getByTestId("confirmation")).toContainText("Haru Customer now has 1,250 points.");

  await expect(customer.card.getByTestId("balance")).toHaveText("1,250", { timeout: 20_000 });
  await customer.card.reload();
  await expect(customer.card.getByRole("region", { name: "Recent activity" })).toContainText("+1,250");
  await Promise.all([shop.close(), customer.close()]);
});

test("a dinar shop: KWD 3.125 at the counter is 3125 fils, and the card page and payouts show three decimals", async ({ browser }) => {
  const shop = await openShop(browser, { name: "Souq Coffee", currency: "KWD", program: "Souq Cashback", cashbackPercent: 10, step: "0.001" });
  const customer = await join(browser, shop.programId, "Noor Customer");
  await findCard(shop.page, customer.memberCode, "Noor Customer");
  await expect(shop.page.getByTestId("scanned-balance")).toHaveText(/^KWD\s0\.000$/);

  const amount = shop.page.getByLabel("Purchase amount (KWD)");
  await expect(amount).toHaveAttribute("step", "0.001");
  await amount.fill("3.1255");
  await expect(amount).toHaveAccessibleDescription("3.1255 is not an amount in KWD: KWD amounts have up to 3 decimals.");
  await expect(shop.page.getByRole("button", { name: "Award" })).toBeDisabled();
  await amount.fill("3.125");
  await shop.page.getByRole("button", { name: "Award" }).click();
  // 10% of 3.125 dinars (3125 fils) is 312.5 fils, rounded down.
  await expect(shop.page.getByTestId("confirmation-title")).toHaveText(/^\+KWD\s0\.312$/);

  await expect(customer.card.getByTestId("balance")).toHaveText(/^KWD\s0\.312$/, { timeout: 20_000 });
  await customer.card.reload();
  await expect(customer.card.getByRole("region", { name: "Recent activity" })).toContainText(/\+KWD\s0\.312/);

  // The member page counts cashback in dinars as well, not in fils.
  await shop.page.goto("/dashboard/members");
  await shop.page.getByRole("link", { name: "Noor Customer" }).click();
  await expect(shop.page.getByTestId("member-balance")).toContainText(/KWD\s0\.312\s*cashback/);
  await expect(shop.page.getByRole("table", { name: /Ledger history of Souq Cashback/ })).toContainText(/\+KWD\s0\.312/);

  // The minimum payout is typed in dinars too.
  await shop.page.goto("/dashboard/payouts");
  await shop.page.getByText("Set up payouts").click();
  const threshold = shop.page.getByLabel("Minimum payout (KWD)");
  await expect(threshold).toHaveAttribute("step", "0.001");
  await expect(threshold).toHaveValue("5.000");
  await threshold.fill("0.2505");
  await shop.page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(shop.page.getByText("Enter an amount in KWD; KWD amounts have up to 3 decimals.")).toBeVisible();
  await threshold.fill("0.25");
  await shop.page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(shop.page.getByText(/minimum payout KWD\s0\.250/)).toBeVisible();
  await Promise.all([shop.close(), customer.close()]);
});
