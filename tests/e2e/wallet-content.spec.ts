import { expect, test } from "@playwright/test";
import { accessible, shot, signInByMagicLink } from "./support";

/**
 * The settings behind the passes' new content, in a real browser: the business's website, phone and
 * terms (https and phone checked, errors shown by the field), a program's end date, and the card
 * page showing the links. What the passes carry is checked in
 * tests/integration/wallet-content-extras.test.ts (the browser build runs without wallet certificates).
 */
test.describe.configure({ mode: "serial" });

const run = Date.now().toString(36);

test("the owner sets the pass links and a program end; the card page shows the links", async ({ browser }, info) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInByMagicLink(page, `owner-links-${run}@e2e.test`);
  await expect(page.getByRole("heading", { name: "Welcome to Keepcard" })).toBeVisible();
  await page.getByLabel("Business name").fill("Linked Beans");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Create your first program" })).toBeVisible();
  await page.getByLabel("Program name").fill("Linked Points");
  await page.getByRole("button", { name: "Create program" }).click();
  await expect(page.getByRole("heading", { name: "Invite your staff" })).toBeVisible();
  await page.getByRole("button", { name: "Go to the dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  await page.goto("/dashboard/settings");
  await page.getByLabel("Website").fill("http://linkedbeans.example");
  await page.getByLabel("Phone").fill("call us");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByLabel("Website")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Phone")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Website").fill("https://linkedbeans.example");
  await page.getByLabel("Phone").fill("+1 555 010 0199");
  await page.getByLabel("Terms of your loyalty program").fill("https://linkedbeans.example/terms");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await accessible(page, "settings with pass links");
  await shot(page, info, "settings-links");

  await page.goto("/dashboard/programs");
  await page.getByRole("link", { name: /Linked Points/ }).click();
  await expect(page.getByRole("heading", { name: "Linked Points" })).toBeVisible();
  const programId = /\/dashboard\/programs\/([^/?]+)/.exec(page.url())![1]!;
  await page.getByLabel("Program ends on").fill("2031-09-30");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.reload();
  await expect(page.getByLabel("Program ends on")).toHaveValue("2031-09-30");

  const customer = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const card = await customer.newPage();
  await card.goto(`/join/${programId}`);
  await card.getByLabel("Your name").fill("Lina Customer");
  await card.getByLabel("Email", { exact: true }).fill(`lina-${run}@e2e.test`);
  await card.getByRole("checkbox", { name: /I want to join/ }).check();
  await card.getByRole("button", { name: "Get my card" }).click();
  await expect(card).toHaveURL(/\/c\//);
  const contact = card.getByRole("region", { name: "Contact" });
  await expect(contact.getByRole("link", { name: "Website" })).toHaveAttribute("href", "https://linkedbeans.example");
  await expect(contact.getByRole("link", { name: /Call/ })).toHaveAttribute("href", "tel:+15550100199");
  await expect(contact.getByRole("link", { name: "Terms of the program" })).toHaveAttribute("href", "https://linkedbeans.example/terms");
  await accessible(card, "card page with links");
  await shot(card, info, "card-links");
  await customer.close();
  await context.close();
});
