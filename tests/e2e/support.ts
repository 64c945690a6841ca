import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";

// What several browser specs do the same way: sign in as a person would, take a screenshot for the
// report, and check accessibility.

/** Asks for a magic link and follows it from the dev outbox, as a person would from their inbox. */
export async function signInByMagicLink(page: Page, email: string, callbackUrl = "/dashboard") {
  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  await page.getByLabel("Work email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await page.goto("/dev/outbox");
  const mail = page.locator(`[data-testid="outbox-email"][data-to="${email}"]`).filter({ hasText: "sign-in link" }).first();
  const link = await mail.getByRole("link", { name: /api\/auth\/callback\/email/ }).getAttribute("href");
  expect(link).toBeTruthy();
  await page.goto(link!);
}

/** A full-page screenshot attached to the test report under `name`. */
export async function shot(page: Page, info: TestInfo, name: string) {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: "image/png" });
}

/**
 * No serious or critical accessibility violations on the page as it is now. A page holding a sandboxed
 * iframe (the campaign's email preview) is checked in axe's single-pass mode: the default mode merges
 * the frames' results in a new tab, which Chromium refused to open after such a page, hanging the test.
 */
export async function accessible(page: Page, what: string) {
  // A page re-rendered after a server action may be caught while React swaps its <title>: wait until
  // it has one (a page that never gets a title still fails here, as axe's document-title rule would).
  await expect(page, `a title on ${what}`).toHaveTitle(/\S/);
  const sandboxed = (await page.locator("iframe[sandbox]").count()) > 0;
  // The wallet-card preview shows the merchant's own colours (the editor warns about weak contrast there).
  const { violations } = await new AxeBuilder({ page }).setLegacyMode(sandboxed).exclude('[aria-label^="Preview of the"]').analyze();
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`), `axe on ${what}`).toEqual([]);
}
