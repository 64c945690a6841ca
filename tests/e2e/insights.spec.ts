import { expect, test, type APIRequestContext } from "@playwright/test";
import { accessible, shot, signInByMagicLink } from "./support";

/**
 * The Insights page in a real browser. An owner sets up a shop, gives a reward its value (what it
 * costs the shop), and twelve members visit through the API: four regulars three times for $20.00
 * (first), then eight once for $5.00. The page answers with the money metrics, the cohort heat
 * map and the RFM groups those visits imply, and one click schedules a win-back campaign.
 *
 * RFM by hand (12 members, score = 1 + ⌊5 · (rank − 1) / 12⌋): the regulars visited first, so their
 * last visits rank 1–4 → R 1, 1, 1, 2; 3 visits and $60.00 rank 9 → F 4, M 4. The others: F 1, M 1,
 * and R 2, 3, 3, 3, 4, 4, 5, 5. So can't lose 3, at risk 1, hibernating 4, new 4.
 */
const run = Date.now().toString(36);

async function api(request: APIRequestContext, key: string, path: string, data?: unknown) {
  const headers = { authorization: `Bearer ${key}`, "idempotency-key": crypto.randomUUID() };
  const res = data === undefined ? await request.get(`/api/v1${path}`, { headers }) : await request.post(`/api/v1${path}`, { headers, data });
  expect(res.status(), `${path}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

test("an owner reads money metrics, cohorts and RFM groups, and schedules a win-back in one click", async ({ browser, request }, info) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await signInByMagicLink(page, `owner-insights-${run}@e2e.test`);
  await page.getByLabel("Business name").fill(`Insight Roasters ${run}`);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Create your first program" })).toBeVisible();
  await page.getByLabel("Program name").fill("Roast Points");
  await page.getByRole("button", { name: "Create program" }).click();
  await expect(page.getByRole("heading", { name: "Invite your staff" })).toBeVisible();
  await page.getByRole("button", { name: "Go to the dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  // A reward with its value, typed as money in the rewards form.
  await page.getByRole("link", { name: "Rewards", exact: true }).click();
  await page.getByRole("textbox", { name: "New reward" }).fill("Free espresso");
  await page.getByLabel("Cost (points)").fill("100");
  await page.getByLabel("What it costs you (USD)").fill("0.50");
  await page.getByRole("button", { name: "Add reward" }).click();
  await expect(page.getByRole("cell", { name: "Free espresso", exact: true })).toBeVisible();

  await page.goto("/dashboard/api-keys");
  await page.getByLabel("Name").fill("POS");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!.trim();
  const programs = await api(request, key, "/programs");
  const programId = programs.data[0].id as string;
  const rewards = await api(request, key, `/rewards?programId=${programId}`);
  expect(rewards.data[0]).toMatchObject({ name: "Free espresso", cost: 100, value: 50 });

  const members: string[] = [];
  for (let i = 0; i < 12; i++) {
    const card = await api(request, key, "/cards", { programId, customer: { email: `m${i}-${run}@example.test`, name: `Member ${String(i + 1).padStart(2, "0")}` } });
    members.push(card.id);
  }
  for (let i = 0; i < 4; i++) {
    for (let v = 0; v < 3; v++) await api(request, key, `/cards/${members[i]}/earn`, { purchase: { amount: 2000, currency: "USD" } });
  }
  for (let i = 4; i < 12; i++) await api(request, key, `/cards/${members[i]}/earn`, { purchase: { amount: 500, currency: "USD" } });

  await page.getByRole("link", { name: "Insights", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Insights", level: 1 })).toBeVisible();
  const stats = page.getByTestId("money-stats");
  // 20 visits by 12 members, 4 of them twice or more; $280.00 spent, $14.00 a visit.
  const stat = (label: string) => stats.locator("div").filter({ has: page.getByText(label, { exact: true }) });
  await expect(stat("Repeat-visit rate")).toContainText("33%");
  await expect(stat("Visits per member")).toContainText("1.67");
  await expect(stat("Spend per visit")).toContainText("$14.00");
  await expect(stat("Revenue from members")).toContainText("$280.00");
  await expect(stat("Members who visited")).toContainText("12");
  await expect(stat("Redemption rate")).toContainText("0%");

  const heat = page.getByTestId("cohort-heatmap");
  await expect(heat.getByRole("cell", { name: /cohort, month 0: 100% \(12 of 12\)/ })).toBeVisible();

  const groups = page.getByTestId("rfm-groups");
  await expect(groups.getByRole("row", { name: /^Can't lose/ })).toContainText("3");
  await expect(groups.getByRole("row", { name: /^At risk/ })).toContainText("1");
  await expect(groups.getByRole("row", { name: /^Hibernating/ })).toContainText("4");
  await expect(groups.getByRole("row", { name: /^New/ })).toContainText("4");
  const atRisk = page.getByRole("table", { name: "Members at risk" });
  await expect(atRisk.getByRole("row")).toHaveCount(5);
  await expect(atRisk).toContainText("Member 04");
  await expect(atRisk).toContainText("$60.00");

  await accessible(page, "/dashboard/insights");
  await shot(page, info, "insights");

  // A range that ends before it starts is refused with a message, and the page shows the default range.
  await page.goto("/dashboard/insights?from=2026-02-10&to=2026-02-01");
  await expect(page.getByText("Those dates do not make a range")).toBeVisible();
  await page.goto("/dashboard/insights");

  await page.getByRole("button", { name: "Win back “At risk”" }).click();
  await expect(page.getByText(/is scheduled for tomorrow/)).toBeVisible();
  await page.getByRole("link", { name: "See it on Campaigns" }).click();
  const row = page.getByRole("row").filter({ hasText: "Win back: At risk" });
  await expect(row).toContainText("RFM group: At risk");

  await page.goto("/dashboard/insights");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, info, "insights-phone");
  await context.close();
});
