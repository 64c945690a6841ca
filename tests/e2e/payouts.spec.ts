import { expect, test, type Browser, type Page } from "@playwright/test";
import { accessible, shot, signInByMagicLink } from "./support";

/**
 * Cashback payouts in a browser: the owner picks PayPal, then Stripe, on the payout settings page
 * with a minimum payout; a customer gives a PayPal email on the card page, sees the payout on its
 * way after a run, and links a Stripe Express account (the server talks to local fakes of Stripe
 * and PayPal started by tests/e2e/server.ts; the Stripe fake's onboarding page completes at once
 * and sends the browser back to the card page). Webhook reconciliation and the crash test are in
 * tests/integration/payouts-*.test.ts.
 */
test.describe.configure({ mode: "serial" });

const run = Date.now().toString(36);

async function openShop(browser: Browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInByMagicLink(page, `owner-payouts-${run}@e2e.test`);
  await expect(page.getByRole("heading", { name: "Welcome to Keepcard" })).toBeVisible();
  await page.getByLabel("Business name").fill("Corner Grocer");
  await page.getByLabel("Currency").selectOption("USD");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Kind").selectOption("cashback");
  await page.getByLabel("Cashback %").fill("10");
  await page.getByLabel("Program name").fill("Grocer Cashback");
  await page.getByRole("button", { name: "Create program" }).click();
  await page.getByRole("button", { name: "Go to the dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.goto("/dashboard/programs");
  await page.getByRole("link", { name: /Grocer Cashback/ }).click();
  await expect(page.getByRole("heading", { name: "Grocer Cashback" })).toBeVisible();
  const programId = /\/dashboard\/programs\/([^/?]+)/.exec(page.url())![1]!;
  return { page, programId };
}

async function choosePayouts(page: Page, provider: "PayPal" | "Stripe", first: boolean) {
  await page.goto("/dashboard/payouts");
  await page.getByText(first ? "Set up payouts" : "Change payout settings").click();
  const how = page.getByLabel("How you pay");
  // The new providers are offered beside the endpoint and the CSV.
  await expect(how.locator("option")).toHaveText([/By hand/, /payout endpoint/, /^Stripe/, /^PayPal/]);
  await how.selectOption({ label: provider === "PayPal" ? "PayPal: to each member's PayPal email" : "Stripe: to each member's linked Stripe account" });
  await page.getByLabel("Minimum payout (USD)").fill("5.00");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText(provider === "PayPal" ? /Paid by PayPal to members' PayPal emails · minimum payout \$5\.00/ : /Paid by Stripe transfer/)).toBeVisible();
}

test("a customer gives a PayPal email, is paid by PayPal, then links Stripe from the card page", async ({ browser }, info) => {
  const shop = await openShop(browser);
  await choosePayouts(shop.page, "PayPal", true);
  await shot(shop.page, info, "payout-settings");

  // A customer joins and buys for $80 (10% cashback: $8.00).
  const customer = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const card = await customer.newPage();
  await card.goto(`/join/${shop.programId}`);
  await card.getByLabel("Your name").fill("Pat Customer");
  await card.getByLabel("Email", { exact: true }).fill(`pat-${run}@e2e.test`);
  await card.getByRole("checkbox", { name: /I want to join/ }).check();
  await card.getByRole("button", { name: "Get my card" }).click();
  await expect(card).toHaveURL(/\/c\/[A-Za-z0-9]+$/);
  const memberCode = (await card.getByText(/^Member code /).textContent())!.replace("Member code ", "").trim();
  await shop.page.goto("/staff");
  await shop.page.getByLabel(/member code/i).fill(memberCode);
  await shop.page.getByRole("button", { name: "Find" }).click();
  await shop.page.getByLabel("Purchase amount (USD)").fill("80");
  await shop.page.getByRole("button", { name: "Award" }).click();
  await expect(shop.page.getByTestId("confirmation-title")).toHaveText("+$8.00");

  await card.reload();
  const payouts = card.getByRole("region", { name: "Cashback payouts" });
  await expect(payouts).toContainText("Your cashback is paid out once it reaches $5.00.");
  await expect(payouts).toContainText("No payouts yet.");
  await payouts.getByLabel("PayPal email for your cashback").fill(`Pat.PayPal-${run}@e2e.test`);
  await payouts.getByRole("button", { name: "Save PayPal email" }).click();
  await expect(payouts.getByRole("status")).toHaveText("Saved: your cashback goes to this PayPal email.");
  await expect(payouts.getByLabel("PayPal email for your cashback")).toHaveValue(`pat.paypal-${run}@e2e.test`);

  // The owner pays now; the run (what the Inngest job does) sends the PayPal batch.
  await shop.page.goto("/dashboard/payouts");
  shop.page.once("dialog", (d) => void d.accept());
  await shop.page.getByRole("button", { name: /Pay now/ }).click();
  await expect(shop.page.getByText("Run started.", { exact: false })).toBeVisible();
  const ran = await shop.page.request.post("/dev/payouts/run");
  expect(await ran.json()).toMatchObject({ runs: 1, reports: [{ selected: 1, sent: 1 }] });

  await card.reload();
  await expect(card.getByTestId("balance")).toHaveText("$0.00");
  await expect(payouts.getByTestId("payout")).toHaveCount(1);
  await expect(payouts.getByTestId("payout")).toContainText("$8.00");
  await expect(payouts.getByTestId("payout")).toContainText("On its way");
  await accessible(card, "the card page's payouts");
  await shot(card, info, "card-page-paypal");

  // The owner switches to Stripe; the customer links an account through Stripe's onboarding and comes back.
  await choosePayouts(shop.page, "Stripe", false);
  await card.reload();
  await payouts.getByRole("button", { name: "Link a Stripe account" }).click();
  await expect(card).toHaveURL(/\/c\/[A-Za-z0-9]+\?payouts=stripe-linked#payouts$/);
  await expect(card.getByTestId("stripe-linked")).toHaveText("Your Stripe account is linked: your cashback is paid there.");
  await shot(card, info, "card-page-stripe-linked");
  await customer.close();
});
