import { createHmac } from "node:crypto";
import { expect, test } from "@playwright/test";
import { accessible, shot } from "./support";

/**
 * The demo shop's owner connects Shopify, Stripe and Square to Bean Points from the three setup
 * pages: pastes each signing secret, copies the webhook URL, sends a test event (which says what it
 * did and moves no points), and sees it in the log. Then Shopify really delivers an order, signed
 * with the secret typed on the page, for someone who is not a member: the log says so.
 */
const PROVIDERS = [
  { slug: "shopify", name: "Shopify", secret: "shpss_e2e_secret_0123456789", field: "API secret key of the custom app" },
  { slug: "stripe", name: "Stripe", secret: "whsec_e2e_secret_0123456789", field: "Signing secret (whsec_…)" },
  { slug: "square", name: "Square", secret: "sq0wss_e2e_secret_0123456789", field: "Signature key of the subscription" },
] as const;

test("an owner connects Shopify, Stripe and Square, sends test events and reads the log", async ({ browser }, info) => {
  test.setTimeout(240_000);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Sign in as the demo owner" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible({ timeout: 150_000 });

  await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Connectors" }).click();
  await expect(page.getByRole("heading", { name: "Connectors", level: 1 })).toBeVisible();
  await accessible(page, "connectors");

  const urls: Record<string, string> = {};
  for (const p of PROVIDERS) {
    await page.goto("/dashboard/connectors");
    await page.getByRole("link", { name: p.name }).click();
    await expect(page.getByRole("heading", { name: `Connect ${p.name}`, level: 1 })).toBeVisible();
    await expect(page.getByText("Save the program above to get the webhook URL.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Send a test event" })).toBeDisabled();

    await page.getByLabel("Program", { exact: true }).selectOption({ label: "Bean Points" });
    await page.getByLabel(p.field, { exact: true }).fill(p.secret);
    await page.getByRole("button", { name: `Connect ${p.name}` }).click();
    await expect(page.getByText("Saved.")).toBeVisible();
    const url = page.getByTestId("connector-webhook-url");
    await expect(url).toHaveText(new RegExp(`^http://localhost:\\d+/api/connectors/${p.slug}/con_[A-Za-z0-9]{20}$`));
    urls[p.slug] = (await url.textContent())!;
    await expect(page.getByText("A secret is stored (encrypted)")).toBeVisible();

    await page.getByRole("button", { name: "Send a test event" }).click();
    const said = page.getByRole("status").filter({ hasText: "signature verified" });
    await expect(said).toContainText("test-customer@keepcard.invalid");
    await expect(said).toContainText("No points moved.");
    const log = page.getByRole("table", { name: `Events received from ${p.name}, newest first` });
    await expect(log.getByRole("row").filter({ hasText: "test" })).toHaveCount(1);
    await accessible(page, `${p.name} setup`);
    await shot(page, info, `connector-${p.slug}`);
  }

  // A real Shopify delivery, signed as Shopify signs: HMAC-SHA256 of the raw body, base64.
  const body = JSON.stringify({ id: 5001, name: "#5001", email: "walk-in@example.com", currency: "USD", total_price: "18.50" });
  const delivered = await page.request.post(urls.shopify!, {
    data: body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": "orders/paid",
      "x-shopify-hmac-sha256": createHmac("sha256", PROVIDERS[0].secret).update(body).digest("base64"),
      "x-shopify-shop-domain": "bean-there.myshopify.com",
      "x-shopify-api-version": "2025-01",
      "x-shopify-webhook-id": "e2e-5001",
    },
  });
  expect(delivered.status()).toBe(200);
  expect(await delivered.json()).toMatchObject({ outcome: "no_customer" });
  const forged = await page.request.post(urls.shopify!, { data: body, headers: { "content-type": "application/json", "x-shopify-topic": "orders/paid", "x-shopify-hmac-sha256": "bm9wZQ==" } });
  expect(forged.status()).toBe(401);

  await page.goto("/dashboard/connectors/shopify");
  const log = page.getByRole("table", { name: "Events received from Shopify, newest first" });
  await expect(log.getByRole("row").filter({ hasText: "walk-in@example.com" })).toContainText("no matching customer");
  await expect(log.getByRole("row").filter({ hasText: "bad signature" })).toHaveCount(1);
  await shot(page, info, "connector-shopify-log");

  await page.goto("/dashboard/connectors");
  await expect(page.getByText("connected", { exact: true })).toHaveCount(3);
  await shot(page, info, "connectors");
  await context.close();
});
