import { expect, test, type Browser } from "@playwright/test";
import { accessible, shot, signInByMagicLink } from "./support";

/**
 * A customer whose browser speaks Spanish joins in Spanish and sees the card page in Spanish, then
 * switches it to German; another picks French in the join page's select. What the wallet passes
 * and the emails say in each language is checked in tests/integration/wallet-i18n.test.ts and
 * tests/integration/customer-language.test.ts.
 */
test.describe.configure({ mode: "serial" });

const run = Date.now().toString(36);
let programId = "";

async function customer(browser: Browser, locale: string) {
  return browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale });
}

test("a shop with a points program opens", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInByMagicLink(page, `owner-lang-${run}@e2e.test`);
  await expect(page.getByRole("heading", { name: "Welcome to Keepcard" })).toBeVisible();
  await page.getByLabel("Business name").fill("Café Lingua");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Create your first program" })).toBeVisible();
  await page.getByLabel("Program name").fill("Lingua Points");
  await page.getByRole("button", { name: "Create program" }).click();
  await expect(page.getByRole("heading", { name: "Invite your staff" })).toBeVisible();
  await page.getByRole("button", { name: "Go to the dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await page.goto("/dashboard/programs");
  await page.getByRole("link", { name: /Lingua Points/ }).click();
  await expect(page.getByRole("heading", { name: "Lingua Points" })).toBeVisible();
  programId = /\/dashboard\/programs\/([^/?]+)/.exec(page.url())![1]!;
  // The dashboard stays in English.
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await context.close();
});

test("a Spanish browser joins in Spanish, sees the card in Spanish, and switches it to German", async ({ browser }, info) => {
  const context = await customer(browser, "es-ES");
  const page = await context.newPage();
  await page.goto(`/join/${programId}`);
  await expect(page.locator("html")).toHaveAttribute("lang", "es");
  await expect(page.getByRole("heading", { name: "Únete a Lingua Points" })).toBeVisible();
  await expect(page.getByLabel("Idioma")).toHaveValue("es");
  await accessible(page, "the join page in Spanish");
  await shot(page, info, "join-es");
  await page.getByLabel("Tu nombre").fill("Lucía");
  await page.getByLabel("Correo electrónico").fill(`lucia-${run}@e2e.test`);
  await page.getByRole("checkbox", { name: /Quiero unirme/ }).check();
  await page.getByRole("button", { name: "Obtener mi tarjeta" }).click();

  await expect(page).toHaveURL(/\/c\/[A-Za-z0-9]+$/);
  await expect(page.getByRole("heading", { name: "Muestra esto en el mostrador" })).toBeVisible();
  await expect(page.getByText(/^Código de socio /)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Actividad reciente" })).toBeVisible();
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", "es");
  await expect(page).toHaveTitle(/^Tu tarjeta/);
  await accessible(page, "the card page in Spanish");
  await shot(page, info, "card-es");

  // Choosing German sends the form; the page comes back in German.
  await page.getByLabel("Idioma").selectOption("de");
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(page.getByRole("heading", { name: "Zeig das an der Kasse" })).toBeVisible();
  await expect(page.getByText(/^Mitgliedscode /)).toBeVisible();
  await expect(page.getByLabel("Sprache")).toHaveValue("de");
  await accessible(page, "the card page in German");
  await shot(page, info, "card-de");
  // And it stays German on the next visit.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Letzte Aktivitäten" })).toBeVisible();
  await context.close();
});

test("an English browser picks French in the join page's select", async ({ browser }) => {
  const context = await customer(browser, "en-US");
  const page = await context.newPage();
  await page.goto(`/join/${programId}`);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { name: "Join Lingua Points" })).toBeVisible();
  await page.getByLabel("Language").selectOption("fr");
  await expect(page).toHaveURL(/\?lang=fr$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await page.getByLabel("Votre nom").fill("Louise");
  await page.getByLabel("E-mail", { exact: true }).fill(`louise-${run}@e2e.test`);
  await page.getByRole("checkbox", { name: /Je souhaite adhérer/ }).check();
  await page.getByRole("button", { name: "Obtenir ma carte" }).click();
  await expect(page).toHaveURL(/\/c\/[A-Za-z0-9]+$/);
  await expect(page.getByRole("heading", { name: "Présentez ceci au comptoir" })).toBeVisible();
  await context.close();
});
