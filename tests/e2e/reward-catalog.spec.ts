import { expect, test } from "@playwright/test";
import { accessible, shot, signInByMagicLink } from "./support";

/**
 * A reward limited to a tier, with a picture, added in the dashboard; on the card page of a member
 * of a lower tier it is listed as not available, with the reason. The rules themselves (redemption
 * refused, next reward skipping it) are in tests/integration/rewards-catalog.test.ts.
 */
const run = Date.now().toString(36);
// A 1×1 PNG, as a file the owner picks.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

test("a Gold-only reward added in the dashboard shows as not available on a Member's card page", async ({ browser }, info) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInByMagicLink(page, `owner-catalog-${run}@e2e.test`);
  await expect(page.getByRole("heading", { name: "Welcome to Keepcard" })).toBeVisible();
  await page.getByLabel("Business name").fill("Tiered Beans");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Program name").fill("Tiered Points");
  await page.getByRole("button", { name: "Create program" }).click();
  await expect(page.getByRole("heading", { name: "Invite your staff" })).toBeVisible();
  await page.getByRole("button", { name: "Go to the dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  await page.goto("/dashboard/programs");
  await page.getByRole("link", { name: /Tiered Points/ }).click();
  await expect(page.getByRole("heading", { name: "Tiered Points" })).toBeVisible();
  const programId = /\/dashboard\/programs\/([^/?]+)/.exec(page.url())![1]!;
  await page.getByRole("checkbox", { name: "Use tiers" }).check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Use tiers" })).toBeChecked();

  const form = page.getByRole("form", { name: "New reward" });
  await form.getByLabel("New reward").fill("Gold lounge");
  await form.getByLabel(/^Cost/).fill("10");
  await form.getByRole("checkbox", { name: "Gold" }).check();
  await form.getByLabel("Picture").setInputFiles({ name: "lounge.png", mimeType: "image/png", buffer: PNG });
  await expect(form.locator("img")).toBeVisible();
  await form.getByRole("button", { name: "Add reward" }).click();
  const row = page.getByRole("row", { name: /Gold lounge/ });
  await expect(row).toContainText("Gold members only");
  await expect(row.locator("img")).toHaveAttribute("src", /^\/rewards\/images\/[0-9a-f]{64}$/);
  await form.getByLabel("New reward").fill("Free coffee");
  await form.getByLabel(/^Cost/).fill("50");
  await form.getByRole("button", { name: "Add reward" }).click();
  await expect(page.getByRole("row", { name: /Free coffee/ })).toContainText("Everyone, any time");
  await accessible(page, "program page with a tier-only reward");
  await shot(page, info, "dashboard-rewards-limits");

  const customer = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const card = await customer.newPage();
  await card.goto(`/join/${programId}`);
  await card.getByLabel("Your name").fill("Mo Member");
  await card.getByLabel("Email", { exact: true }).fill(`mo-${run}@e2e.test`);
  await card.getByRole("checkbox", { name: /I want to join/ }).check();
  await card.getByRole("button", { name: "Get my card" }).click();
  await expect(card).toHaveURL(/\/c\//);
  const rewards = card.getByRole("region", { name: "Rewards" });
  const lounge = rewards.getByRole("listitem").filter({ hasText: "Gold lounge" });
  await expect(lounge).toContainText("Gold members only");
  await expect(lounge.getByRole("button", { name: /Redeem/ })).toHaveCount(0);
  await expect(lounge.locator("img")).toBeVisible();
  // The next reward is the one this member can get, not the cheaper Gold-only one.
  await expect(card.getByText(/points to Free coffee/)).toBeVisible();
  await accessible(card, "card page with a tier-only reward");
  await shot(card, info, "card-tier-only-reward");
  await customer.close();
  await context.close();
});
