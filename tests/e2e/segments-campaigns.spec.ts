import { expect, test } from "@playwright/test";
import { accessible, shot, signInByMagicLink } from "./support";

/**
 * The marketing journey: tag customers from a CSV, build a segment and watch its live count, schedule
 * a campaign for it with a holdout, start it, let members buy (through the API, as a till would),
 * and read the results against the holdout on the campaign's page.
 */
const run = Date.now().toString(36);
const MEMBERS = 24;
const VIPS = 16;
const email = (i: number) => `m${i}-${run}@e2e.test`;

test("a marketer builds a segment, schedules a campaign with a holdout, it runs, and its results page compares treated with holdout", async ({ browser, request }, info) => {
  // The longest journey (a tag import, a segment, a campaign, two purchases per member, axe on four pages):
  // three times the usual budget, so a busy machine does not cut it short.
  test.slow();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on("dialog", (dialog) => void dialog.accept());
  const owner = `marketer-${run}@e2e.test`;
  await signInByMagicLink(page, owner);
  await page.getByLabel("Business name").fill("Segment Café");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Create your first program" })).toBeVisible();
  await page.getByLabel("Program name").fill("Bean Points");
  await page.getByRole("button", { name: "Create program" }).click();
  await expect(page.getByRole("heading", { name: "Invite your staff" })).toBeVisible();
  await page.getByRole("button", { name: "Go to the dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  // The till's key: members join and buy through the API.
  await page.goto("/dashboard/api-keys");
  await page.getByLabel("Name").fill("Till");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!.trim();
  const headers = { authorization: `Bearer ${key}` };
  const programs = await (await request.get("/api/v1/programs", { headers })).json();
  const programId = programs.data[0].id as string;
  const cards: { id: string; referralCode: string }[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const res = await request.post("/api/v1/cards", { headers, data: { programId, customer: { email: email(i), name: `Member ${i}` } } });
    expect(res.status()).toBe(201);
    cards.push(await res.json());
    // Everyone came once this month.
    expect((await request.post(`/api/v1/cards/${cards[i]!.id}/earn`, { headers, data: { purchase: { amount: 800, currency: "USD" } } })).status()).toBe(201);
  }

  // Tags from a CSV: sixteen VIPs (one by member code), and one row for nobody, reported by line.
  await page.goto("/dashboard/segments");
  const rows = ["email,tags", ...Array.from({ length: VIPS }, (_, i) => `${i === 0 ? cards[0]!.referralCode : email(i)},vip;regular`), `nobody-${run}@e2e.test,vip`];
  await page.getByLabel("Or paste the rows").fill(rows.join("\n"));
  await page.getByRole("button", { name: "Import tags" }).click();
  const report = page.getByTestId("tag-import-report");
  await expect(report).toContainText(`${VIPS} of ${VIPS + 1} rows applied`);
  await expect(report.getByRole("row", { name: new RegExp(`${VIPS + 2}.*nobody-${run}@e2e.test.*no member with this email`) })).toBeVisible();
  await shot(page, info, "tags-imported");

  // The builder: regulars (a visit in 30 days) who are VIPs, counted live as the rule changes.
  await page.getByLabel("Segment name").fill("VIP regulars");
  const count = page.getByTestId("segment-count");
  await expect(count).toContainText("Complete the conditions");
  await page.getByLabel("At least").fill("1");
  await expect(count).toContainText(`${MEMBERS} members match now`);
  await page.getByLabel("Add a condition on").selectOption("tags");
  await page.getByRole("button", { name: "Add condition" }).click();
  await page.getByLabel("Tags (comma-separated)").fill("vip");
  await expect(count).toContainText(`${VIPS} members match now (${VIPS} customers)`);
  await shot(page, info, "segment-builder");
  await page.getByRole("button", { name: "Save segment" }).click();
  await expect(page.getByText("Segment “VIP regulars” saved.")).toBeVisible();
  await expect(page.getByRole("row", { name: /VIP regulars/ })).toContainText(String(VIPS));
  await accessible(page, "/dashboard/segments");

  // The campaign: double points for the segment, half of it held out.
  await page.goto("/dashboard/campaigns");
  await page.getByLabel("Name", { exact: true }).fill("VIP double points");
  await page.getByLabel("Audience").selectOption("segment");
  await page.getByLabel("Segment", { exact: true }).selectOption({ label: "VIP regulars" });
  await page.getByLabel("Holdout (% who get nothing)").fill("50");
  await page.getByLabel("Subject").fill("Double points for our VIPs");
  await page.getByLabel("Message", { exact: true }).fill("Every coffee counts twice this week.");
  await page.getByRole("button", { name: "Schedule campaign" }).click();
  const row = page.getByRole("row").filter({ hasText: "VIP double points" });
  await expect(row).toContainText("Segment: VIP regulars");
  await expect(row).toContainText("50 % held out");
  await row.getByRole("link", { name: "VIP double points" }).click();

  // Its page: the announcement email as members will get it, and a test to the marketer.
  await expect(page.getByRole("heading", { name: "VIP double points" })).toBeVisible();
  await expect(page.frameLocator('iframe[title="Email preview"]').getByText("Every coffee counts twice this week.")).toBeVisible();
  const emailSection = page.locator("#email-title").locator("..");
  await emailSection.scrollIntoViewIfNeeded();
  await emailSection.screenshot({ path: info.outputPath("email-preview.png") });
  await info.attach("email-preview", { path: info.outputPath("email-preview.png"), contentType: "image/png" });
  await page.getByRole("button", { name: "Send a test to me" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Test sent to ${owner}` })).toBeVisible();

  // It runs: started now, its audience and holdout drawn at once.
  await page.getByRole("button", { name: "Start now" }).click();
  await expect(page.getByText("Against the holdout")).toBeVisible();
  const drawn = (await page.getByText(/Against the holdout: \d+ treated, \d+ held out/).textContent())!;
  const [, treated, held] = /(\d+) treated, (\d+) held out/.exec(drawn)!.map(Number);
  expect(treated! + held!).toBe(VIPS);
  expect(held).toBeGreaterThan(0);
  expect(treated).toBeGreaterThan(0);

  // Members buy during the campaign: each VIP twice, $10 each time. Treated members earn double.
  const earned: number[] = [];
  for (let i = 0; i < VIPS; i++) {
    for (let v = 0; v < 2; v++) {
      const res = await request.post(`/api/v1/cards/${cards[i]!.id}/earn`, { headers, data: { purchase: { amount: 1000, currency: "USD" } } });
      expect(res.status()).toBe(201);
      earned.push((await res.json()).entry.amount);
    }
  }
  expect(earned.filter((p) => p === 20)).toHaveLength(2 * treated!);
  expect(earned.filter((p) => p === 10)).toHaveLength(2 * held!);

  // The results page compares them: the same visits and spend, twice the points, and what it cost.
  await page.reload();
  const table = page.getByTestId("holdout-table");
  await expect(table.getByRole("row", { name: /^Visits/ })).toContainText("2.00");
  await expect(table.getByRole("row", { name: /^Spend/ })).toContainText("$20.00");
  await expect(table.getByRole("row", { name: /^Points issued/ })).toContainText("40");
  await expect(table.getByRole("row", { name: /^Points issued/ })).toContainText("+20");
  await expect(table.getByRole("row", { name: /^Campaign cost/ })).toContainText("+20");
  await expect(page.getByRole("img", { name: /Treated minus holdout, per member/ })).toBeVisible();
  await accessible(page, "/dashboard/campaigns/[id]");
  await shot(page, info, "campaign-results");

  // The test email is in the outbox, marked as a test.
  await page.goto("/dev/outbox");
  await expect(page.locator(`[data-testid="outbox-email"][data-to="${owner}"]`).filter({ hasText: "[Test] Double points for our VIPs" })).toHaveCount(1);
  await context.close();
});
