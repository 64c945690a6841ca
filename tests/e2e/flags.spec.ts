import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { accessible, shot } from "./support";

/**
 * The demo shop's owner reviews the fraud flags the seed's suspicious activity raised: dismisses
 * the card that kept earning (which releases its hold), finds it under Resolved and in the audit
 * log, then downloads the ledger as CSV from the Reports page.
 */
test("an owner resolves a fraud flag and downloads the ledger export", async ({ browser }, info) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Sign in as the demo owner" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible({ timeout: 150_000 });

  await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Flags" }).click();
  await expect(page.getByRole("heading", { name: "Flags", level: 1 })).toBeVisible();
  const open = page.getByRole("list", { name: "Open flags" });
  const velocity = open.getByRole("article").filter({ hasText: "Many earns on one card" });
  await expect(velocity).toContainText("Card on hold");
  await expect(velocity).toContainText("Card of ray.rapid@example.com");
  await expect(open.getByRole("article").filter({ hasText: "Purchase far above usual" })).toBeVisible();
  await expect(open.getByRole("article").filter({ hasText: "Many new cards from one source" })).toHaveCount(2);
  await expect(open.getByRole("article").filter({ hasText: "Redeemed right after earning" })).toBeVisible();
  await expect(open.getByRole("article").filter({ hasText: "Cashier sam@beanthere.test" })).toBeVisible();
  // The staff view puts the shift lead with the most corrections first.
  await expect(page.getByRole("table", { name: "Corrections per cashier" }).getByRole("row").nth(1)).toContainText("sam@beanthere.test");
  await velocity.getByText("Evidence").click();
  await expect(velocity.locator("pre")).toContainText('"threshold": 5');
  await accessible(page, "flags");
  await shot(page, info, "flags-open");
  const heldCount = page.getByText("Cards on hold", { exact: true }).locator("xpath=following-sibling::dd[1]");
  // Ray's card, the huge purchase's and the quick spender's.
  await expect(heldCount).toHaveText("3");

  await velocity.getByRole("button", { name: "Dismiss and release" }).click();
  await expect(open.getByRole("article").filter({ hasText: "Many earns on one card" })).toHaveCount(0);
  await expect(heldCount).toHaveText("2");
  await page.getByRole("link", { name: "Resolved" }).click();
  const resolved = page.getByRole("list", { name: "Resolved flags" }).getByRole("article").filter({ hasText: "Many earns on one card" });
  await expect(resolved).toContainText("dismissed");
  await expect(resolved).toContainText("Dismissed by owner@beanthere.test");
  await expect(resolved).not.toContainText("Card on hold");
  await shot(page, info, "flags-resolved");

  await page.goto("/dashboard/audit");
  await expect(page.getByRole("table").getByRole("row").filter({ hasText: "flag.dismiss" })).toBeVisible();

  await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { name: "Reports", level: 1 })).toBeVisible();
  await accessible(page, "reports");
  await shot(page, info, "reports");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV of ledger entries" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^ledger-\d{4}-\d\d-\d\d\.csv$/);
  const csv = fs.readFileSync((await download.path())!, "utf8");
  const lines = csv.split("\r\n").filter(Boolean);
  expect(lines[0]).toBe("seq,entry_id,created_at,kind,unit,amount,balance_after,card_id,email,program,actor_type,actor,source,location,reference,reverses_entry_id,purchase_amount,purchase_currency");
  expect(lines.length).toBeGreaterThan(100);
  // The $480 purchase of the demo, as money with its decimals, entered by a cashier.
  expect(lines.some((l) => l.includes(",jordan@beanthere.test,") && l.includes(",480.00,USD"))).toBe(true);
  await context.close();
});
