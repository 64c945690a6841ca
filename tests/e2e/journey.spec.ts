import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { accessible, shot, signInByMagicLink } from "./support";

/**
 * The whole day at a coffee shop, in a real browser: the owner signs up by magic link, sets up the
 * business and a program, a customer joins, a cashier scans and redeems, and the dashboard sees it live.
 */
test.describe.configure({ mode: "serial" });

const run = Date.now().toString(36);
const ownerEmail = `owner-${run}@e2e.test`;
const staffEmail = `cashier-${run}@e2e.test`;
const customerEmail = `ava-${run}@e2e.test`;

let owner: BrowserContext;
let cashier: BrowserContext;
let customer: BrowserContext;
let ownerPage: Page;
let staffPage: Page;
let cardPage: Page;
let programId = "";
let voucherCode = "";

async function contexts(browser: Browser) {
  owner ??= await browser.newContext({ viewport: { width: 1280, height: 900 } });
  cashier ??= await browser.newContext({ viewport: { width: 412, height: 915 }, isMobile: true, hasTouch: true });
  customer ??= await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
}

test.afterAll(async () => {
  await Promise.all([owner?.close(), cashier?.close(), customer?.close()]);
});

test("the sign-in page explains itself and refuses a bad address calmly", async ({ browser }, info) => {
  await contexts(browser);
  const page = await owner.newPage();
  await page.goto("/sign-in");
  await accessible(page, "sign-in");
  await page.getByLabel("Work email").fill("not-an-email");
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByText("Enter an email address such as sam@example.com")).toBeVisible();
  await shot(page, info, "01-sign-in");
  await page.close();
});

test("the owner signs up by magic link and sets up the business, a program and staff", async ({ browser }, info) => {
  await contexts(browser);
  ownerPage = await owner.newPage();
  await signInByMagicLink(ownerPage, ownerEmail);
  await expect(ownerPage).toHaveURL(/\/onboarding/);
  await expect(ownerPage.getByRole("heading", { name: "Welcome to Keepcard" })).toBeVisible();
  await accessible(ownerPage, "onboarding");

  await ownerPage.getByLabel("Business name").fill("Corner Beans");
  await ownerPage.getByRole("button", { name: "Continue" }).click();

  await expect(ownerPage.getByRole("heading", { name: "Create your first program" })).toBeVisible();
  await ownerPage.getByLabel("Program name").fill("Bean Points");
  await expect(ownerPage.getByRole("img", { name: "Preview of the Bean Points wallet card" })).toBeVisible();
  await shot(ownerPage, info, "02-onboarding-program");
  await ownerPage.getByRole("button", { name: "Create program" }).click();

  await expect(ownerPage.getByRole("heading", { name: "Invite your staff" })).toBeVisible();
  await ownerPage.getByLabel("Email").fill(staffEmail);
  await ownerPage.getByRole("button", { name: "Send invitation" }).click();
  await expect(ownerPage.getByText(`Invitation sent to ${staffEmail}`)).toBeVisible();
  await ownerPage.getByRole("button", { name: "Go to the dashboard" }).click();
  await expect(ownerPage.getByRole("heading", { name: "Overview" })).toBeVisible();
});

test("the owner adds a reward to the program", async ({ browser }, info) => {
  await contexts(browser);
  await ownerPage.goto("/dashboard/programs");
  await accessible(ownerPage, "programs");
  await ownerPage.getByRole("link", { name: /Bean Points/ }).click();
  await expect(ownerPage.getByRole("heading", { name: "Bean Points" })).toBeVisible();
  programId = /\/dashboard\/programs\/([^/?]+)/.exec(ownerPage.url())![1]!;

  await ownerPage.getByRole("textbox", { name: "New reward" }).fill("Free coffee");
  await ownerPage.getByLabel("Cost (points)").fill("10");
  await ownerPage.getByRole("button", { name: "Add reward" }).click();
  await expect(ownerPage.getByRole("cell", { name: "Free coffee", exact: true })).toBeVisible();
  await accessible(ownerPage, "program editor");
  await shot(ownerPage, info, "03-program-editor");
});

test("a customer joins from the join page and gets a card", async ({ browser }, info) => {
  await contexts(browser);
  cardPage = await customer.newPage();
  await cardPage.goto(`/join/${programId}`);
  await cardPage.getByLabel("Your name").fill("Ava Customer");
  await cardPage.getByLabel("Email", { exact: true }).fill(customerEmail);
  await cardPage.getByRole("checkbox", { name: /I want to join/ }).check();
  await cardPage.getByRole("button", { name: "Get my card" }).click();
  await expect(cardPage).toHaveURL(/\/c\//);
  await expect(cardPage.getByTestId("balance")).toHaveText(/^0/);
  await shot(cardPage, info, "04-card-page");
});

test("the cashier signs in, scans the card by member code and awards a purchase", async ({ browser }, info) => {
  await contexts(browser);
  // The owner watches the live feed while the cashier works.
  await ownerPage.goto("/dashboard");
  await expect(ownerPage.getByTestId("feed-status")).toHaveAttribute("data-status", "live");

  staffPage = await cashier.newPage();
  await signInByMagicLink(staffPage, staffEmail);
  // Staff have no dashboard: they land on the scanner.
  await expect(staffPage).toHaveURL(/\/staff$/);
  await accessible(staffPage, "scanner");
  await shot(staffPage, info, "05-scanner");

  const memberCode = (await cardPage.getByText(/^Member code /).textContent())!.replace("Member code ", "").trim();
  await staffPage.getByLabel(/member code/i).fill(memberCode);
  await staffPage.getByRole("button", { name: "Find" }).click();
  await expect(staffPage.getByTestId("scanned-card")).toContainText("Ava Customer");
  await staffPage.getByLabel("Purchase amount").fill("12.50");
  await staffPage.getByRole("button", { name: "Award" }).click();
  await expect(staffPage.getByTestId("confirmation-title")).toHaveText("+12 points");
  await shot(staffPage, info, "06-scanner-confirmation");

  await expect(cardPage.getByTestId("balance")).toHaveText(/^12/, { timeout: 20_000 });
  await expect(ownerPage.getByTestId("live-feed")).toContainText("earned 12 points");
  await shot(ownerPage, info, "07-dashboard-live");
});

test("the customer redeems a reward and the cashier redeems the voucher once", async ({ browser }, info) => {
  await contexts(browser);
  await cardPage.reload();
  await cardPage.getByRole("button", { name: "Redeem Free coffee" }).click();
  await cardPage.getByRole("button", { name: "Yes, redeem" }).click();
  await expect(cardPage.getByText("Free coffee is yours")).toBeVisible();
  voucherCode = (await cardPage.locator("p.font-mono").first().textContent())!.trim();
  expect(voucherCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await shot(cardPage, info, "08-voucher");

  await staffPage.getByTestId("confirmation").click();
  await staffPage.getByLabel(/member code/i).fill(voucherCode);
  await staffPage.getByRole("button", { name: "Find" }).click();
  await expect(staffPage.getByTestId("scanned-voucher")).toContainText("Free coffee");
  await staffPage.getByRole("button", { name: "Redeem voucher" }).click();
  await expect(staffPage.getByTestId("confirmation-title")).toHaveText("Voucher redeemed");
  await expect(ownerPage.getByTestId("celebration")).toContainText("Reward redeemed!");

  // A second attempt, as if someone showed the same screenshot again.
  await staffPage.getByTestId("confirmation").click();
  await staffPage.getByLabel(/member code/i).fill(voucherCode);
  await staffPage.getByRole("button", { name: "Find" }).click();
  await expect(staffPage.getByTestId("scan-error-title")).toHaveText("Already used");
  await shot(staffPage, info, "09-already-used");
});

test("the main dashboard pages have no serious accessibility problems", async ({ browser }, info) => {
  await contexts(browser);
  for (const [path, heading] of [
    ["/dashboard", "Overview"],
    ["/dashboard/members", "Members"],
    ["/dashboard/rewards", "Rewards"],
    ["/dashboard/locations", "Locations"],
    ["/dashboard/team", "Team"],
    ["/dashboard/api-keys", "API keys"],
    ["/dashboard/audit", "Audit log"],
    ["/dashboard/settings", "Settings"],
  ] as const) {
    await ownerPage.goto(path);
    await expect(ownerPage.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await accessible(ownerPage, path);
  }
  // The overview's wallet passes: installs, removals and passes in a wallet per day, beside the number now.
  await ownerPage.goto("/dashboard");
  await expect(ownerPage.getByTestId("overview-stats")).toContainText("Passes in a wallet");
  const walletChart = ownerPage.getByRole("region", { name: "Wallet passes" });
  await expect(walletChart.getByRole("img", { name: /^Passes in a wallet per day\. In a wallet: 0 to 0$/ })).toBeVisible();
  await expect(walletChart.getByRole("img", { name: /^Passes installed and removed per day\. Installed: 0 in total; Removed: 0 in total$/ })).toBeVisible();
  const chartShot = info.outputPath("10-overview-wallet-passes.png");
  await walletChart.screenshot({ path: chartShot });
  await info.attach("10-overview-wallet-passes", { path: chartShot, contentType: "image/png" });
  await ownerPage.goto("/dashboard/members");
  await ownerPage.getByRole("link", { name: "Ava Customer" }).click();
  await expect(ownerPage.getByTestId("member-balance")).toContainText("2");
  // The ledger sorts by a column header, by mouse and by keyboard.
  const ledger = ownerPage.getByRole("table", { name: /Ledger history of Bean Points/ });
  const change = ledger.getByRole("button", { name: "Change" });
  await change.click();
  await expect(ledger.getByRole("columnheader", { name: "Change" })).toHaveAttribute("aria-sort", "ascending");
  await expect(ledger.getByRole("row").nth(1)).toContainText("-10");
  await change.press("Enter");
  await expect(ledger.getByRole("columnheader", { name: "Change" })).toHaveAttribute("aria-sort", "descending");
  await expect(ledger.getByRole("row").nth(1)).toContainText("+12");
  await accessible(ownerPage, "member detail");
  await shot(ownerPage, info, "10-member-detail");
  // A cashier who types a dashboard address is sent back to the scanner.
  await staffPage.goto("/dashboard/team");
  await expect(staffPage).toHaveURL(/\/staff$/);
});
