import { expect, test } from "@playwright/test";
import { accessible, shot, signInByMagicLink } from "./support";

/**
 * A till's key: made in the dashboard with fewer scopes and bound to a shop, listed with both, and
 * refused over HTTP for what it was not given — every answer with the RateLimit headers.
 */
test("an owner makes a till key without manage, bound to a location; the API holds it to that", async ({ browser, request }, info) => {
  const run = Date.now().toString(36);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInByMagicLink(page, `till-${run}@e2e.test`);
  await page.getByLabel("Business name").fill(`Till shop ${run}`);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Create your first program" })).toBeVisible();

  await page.goto("/dashboard/locations");
  await page.getByLabel("Name").last().fill("High Street");
  await page.getByRole("button", { name: "Add location" }).click();
  // Onboarding made the first one; the new one is listed after it, above the empty form.
  await expect(page.getByLabel("Name").nth(1)).toHaveValue("High Street");

  await page.goto("/dashboard/api-keys");
  await page.getByLabel("Name").fill("High Street till");
  await page.getByLabel("Location").selectOption({ label: "High Street" });
  const manage = page.getByRole("checkbox", { name: /^manage/ });
  await expect(manage).toBeChecked();
  await manage.uncheck();
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!.trim();
  expect(key).toMatch(/^kc_/);

  await page.reload();
  const row = page.getByRole("row", { name: /High Street till/ });
  await expect(row).toContainText("read, earn, redeem");
  await expect(row).toContainText("High Street");
  await accessible(page, "/dashboard/api-keys");
  await shot(page, info, "api-keys");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, info, "api-keys-phone");
  await context.close();

  const headers = { authorization: `Bearer ${key}` };
  const read = await request.get("/api/v1/programs", { headers });
  expect(read.status()).toBe(200);
  expect(read.headers()["ratelimit-policy"]).toMatch(/^"default";q=\d+;w=60$/);
  expect(read.headers()["ratelimit"]).toMatch(/^"default";r=\d+;t=\d+$/);

  const write = await request.post("/api/v1/programs", { headers, data: { name: "Sneaky", kind: "points" } });
  expect(write.status()).toBe(403);
  expect(write.headers()["content-type"]).toContain("application/problem+json");
  expect(await write.json()).toMatchObject({ code: "forbidden", detail: 'This API key lacks the "manage" scope.' });
  expect(write.headers()["ratelimit"]).toMatch(/^"default";r=\d+;t=\d+$/);
});
