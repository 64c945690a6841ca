import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { accessible, shot, signInByMagicLink } from "./support";
import { totpCode, totpStep } from "../../lib/auth/totp";

/**
 * Two-factor sign-in in a real browser: an owner turns on an authenticator app (the test computes
 * the codes from the secret the page shows, as the app would), signs out, and signs in again through
 * the second step; then adds a passkey on Chromium's virtual authenticator and signs in with it.
 */
test.describe.configure({ mode: "serial" });

const run = Date.now().toString(36);
const email = `two-step-${run}@e2e.test`;
// A second owner for passkeys: each address gets only a few sign-in emails in ten minutes.
const passkeyEmail = `passkey-${run}@e2e.test`;

async function signOut(page: Page) {
  await page.goto("/dashboard");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

let context: BrowserContext;
let page: Page;
let passkeyContext: BrowserContext;
let secret = "";
let lastStep = 0;

test.afterAll(async () => {
  await Promise.all([context?.close(), passkeyContext?.close()]);
});

test("an owner turns on an authenticator app and gets ten recovery codes", async ({ browser }, info) => {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await signInByMagicLink(page, email);
  await expect(page).toHaveURL(/\/onboarding/);
  await page.getByLabel("Business name").fill("Two Step Tea");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Create your first program" })).toBeVisible();

  await page.goto("/dashboard");
  await page.getByRole("link", { name: "Sign-in and security" }).click();
  await expect(page.getByRole("heading", { name: "Sign-in and security" })).toBeVisible();
  await expect(page.getByRole("cell", { name: /this device/ })).toBeVisible();
  await accessible(page, "security page");

  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(page.getByRole("img", { name: "QR code to scan with your authenticator app" })).toBeVisible();
  secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await accessible(page, "authenticator enrolment");
  await shot(page, info, "2fa-01-enrol");
  lastStep = totpStep(new Date());
  await page.getByLabel("Code from the app").fill(totpCode(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  await shot(page, info, "2fa-02-recovery-codes");
});

test("after signing out, the email link leads to the second step, and a fresh code to the dashboard", async ({}, info) => {
  await signOut(page);
  await signInByMagicLink(page, email);
  await expect(page).toHaveURL(/\/sign-in\/two-factor/);
  await expect(page.getByRole("heading", { name: "One more step" })).toBeVisible();
  // The dashboard stays shut while the second step waits.
  await page.goto("/dashboard/team");
  await expect(page).toHaveURL(/\/sign-in\/two-factor\?callbackUrl=%2Fdashboard/);
  await page.goto("/account/security");
  await expect(page).toHaveURL(/\/sign-in\/two-factor\?callbackUrl=%2Faccount%2Fsecurity/);
  await accessible(page, "two-factor step");

  await page.getByLabel(/Code from your app/).fill("000000");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText(/That code is not right/).first()).toBeVisible();
  await shot(page, info, "2fa-03-second-step");

  // Each time step works once: wait for a code the enrolment did not use.
  while (totpStep(new Date()) <= lastStep) await page.waitForTimeout(1000);
  lastStep = totpStep(new Date());
  await page.getByLabel(/Code from your app/).fill(totpCode(secret));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/account\/security/);
  await expect(page.getByText("On: sign-ins ask for a code from your app.")).toBeVisible();
  await page.goto("/dashboard/team");
  await expect(page.getByRole("heading", { name: "Team" })).toBeVisible();
  await expect(page.getByTestId("team-two-factor")).toHaveText(/Not required/);
});

test("a passkey added on a virtual authenticator signs in by itself and passes the second step", async ({ browser }, info) => {
  passkeyContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await passkeyContext.newPage();
  await signInByMagicLink(page, passkeyEmail);
  await expect(page).toHaveURL(/\/onboarding/);
  await page.getByLabel("Business name").fill("Passkey Pastries");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Create your first program" })).toBeVisible();

  // Chromium's virtual authenticator stands in for a phone or a security key.
  const cdp = await passkeyContext.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });

  await page.goto("/account/security");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByText("Passkey added.")).toBeVisible();
  await expect(page.getByTestId("passkey-count")).toHaveText("1 passkey set up.");
  await expect(page.getByTestId("recovery-codes-left")).toHaveText("0 of 10 left.");
  await shot(page, info, "2fa-04-passkey-added");

  // A passkey alone: no email link, no code.
  await signOut(page);
  await page.goto("/sign-in?callbackUrl=%2Fdashboard");
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  // After an email link, the passkey is the second step.
  await signOut(page);
  await signInByMagicLink(page, passkeyEmail);
  await expect(page).toHaveURL(/\/sign-in\/two-factor/);
  await accessible(page, "two-factor step with a passkey");
  await page.getByRole("button", { name: "Use a passkey" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  await page.goto("/account/security");
  await expect(page.getByRole("cell", { name: /this device/ })).toBeVisible();
  await expect(page.getByRole("cell", { name: "passkey" })).toBeVisible();
  await shot(page, info, "2fa-05-sessions");
});

// Signed in (past the second step) as the first owner: the webhooks page rotates a signing secret.
test("the owner rotates a webhook endpoint's signing secret and sees the new one once", async ({}, info) => {
  await page.goto("/dashboard/webhooks");
  await page.getByLabel("URL").fill("https://example.com/keepcard");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const first = (await page.getByTestId("new-webhook-secret").textContent())!.trim();
  expect(first).toMatch(/^whsec_/);

  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Rotate secret for https://example.com/keepcard" }).click();
  const rotated = page.getByTestId("rotated-webhook-secret");
  await expect(rotated).toHaveText(/^whsec_/);
  expect((await rotated.textContent())!.trim()).not.toBe(first);
  await expect(page.getByText(/each request carries two signatures/)).toBeVisible();
  await accessible(page, "webhooks after a rotation");
  await shot(page, info, "webhook-rotated");

  // Shown once: after a reload only the endpoint is there.
  await page.reload();
  await expect(page.getByTestId("rotated-webhook-secret")).toHaveCount(0);
});
