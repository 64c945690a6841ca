import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { signInByMagicLink } from "./support";

/**
 * A cashback campaign in a real browser: the owner gives a one-off bonus under a budget, and the
 * campaigns page shows its projected cost in the currency, the budget and what it has given.
 */
const run = Date.now().toString(36);

test("an owner schedules a cashback bonus under a budget and sees its projected cost", async ({ browser }, info) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInByMagicLink(page, `owner-campaign-${run}@e2e.test`);
  await expect(page.getByRole("heading", { name: "Welcome to Keepcard" })).toBeVisible();
  await page.getByLabel("Business name").fill("Budget Books");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Create your first program" })).toBeVisible();
  await page.getByLabel("Kind").selectOption("cashback");
  await page.getByLabel("Cashback %").fill("5");
  await page.getByLabel("Program name").fill("Book Cash");
  await page.getByRole("button", { name: "Create program" }).click();
  await expect(page.getByRole("heading", { name: "Invite your staff" })).toBeVisible();
  await page.getByRole("button", { name: "Go to the dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  await page.goto("/dashboard/campaigns");
  await page.getByLabel("Name", { exact: true }).fill("Welcome gift");
  await page.getByLabel("Effect").selectOption("bonus");
  // Cashback is typed as money in the program's currency.
  await page.getByLabel("Bonus (USD)").fill("2.50");
  await page.getByLabel("Announce it when it starts").uncheck();
  // Without a budget a cashback bonus is refused, with the reason at the field.
  await page.getByRole("button", { name: "Schedule campaign" }).click();
  await expect(page.getByText("a cashback bonus or multiplier needs a budget").first()).toBeVisible();
  await expect(page.getByLabel("Budget (USD)")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Budget (USD)").fill("10");
  await page.getByRole("button", { name: "Schedule campaign" }).click();
  const row = page.getByRole("row").filter({ hasText: "Welcome gift" });
  await expect(row).toContainText("Budget $10.00, $0.00 given");
  await expect(row).toContainText("$2.50 bonus cashback is on your card.");
  await expect(row).toContainText(/about \$0\.00 for 0 members/);

  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  const path = info.outputPath("campaigns.png");
  await page.screenshot({ path, fullPage: true });
  await info.attach("campaigns", { path, contentType: "image/png" });
  await context.close();
});
