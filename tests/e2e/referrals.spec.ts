import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { accessible, shot, signInByMagicLink } from "./support";

/**
 * Referrals in a real browser: a merchant switches referrals on in the dashboard, a member shares
 * their link, a newcomer joins through it, the cashier awards the newcomer's first purchase, and
 * both members' cards show their bonus.
 */
const run = Date.now().toString(36);

let owner: BrowserContext;
let ownerPage: Page;
let programId: string;
let anaCard: string;
let anaLink: string;
let benCard: string;

async function setup(browser: Browser) {
  if (owner) return;
  owner = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  ownerPage = await owner.newPage();
}

async function join(browser: Browser, url: string, name: string, email: string) {
  const context = await browser.newContext({ viewport: { width: 420, height: 900 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("checkbox", { name: /I want to join/ }).check();
  return page;
}

test("the owner sets up a points program", async ({ browser }) => {
  await setup(browser);
  await signInByMagicLink(ownerPage, `owner-referral-${run}@e2e.test`);
  await expect(ownerPage.getByRole("heading", { name: "Welcome to Keepcard" })).toBeVisible();
  await ownerPage.getByLabel("Business name").fill("Referral Roasters");
  await ownerPage.getByRole("button", { name: "Continue" }).click();
  await expect(ownerPage.getByRole("heading", { name: "Create your first program" })).toBeVisible();
  await ownerPage.getByLabel("Program name").fill("Roast Points");
  await ownerPage.getByRole("button", { name: "Create program" }).click();
  await expect(ownerPage.getByRole("heading", { name: "Invite your staff" })).toBeVisible();
  await ownerPage.getByRole("button", { name: "Go to the dashboard" }).click();
  await expect(ownerPage.getByRole("heading", { name: "Overview" })).toBeVisible();
  await ownerPage.goto("/dashboard/programs");
  await ownerPage.getByRole("link", { name: /Roast Points/ }).click();
  await expect(ownerPage.getByRole("heading", { name: "Roast Points" })).toBeVisible();
  programId = /\/dashboard\/programs\/([^/?]+)/.exec(ownerPage.url())![1]!;
});

test("a first member joins; the merchant switches referrals on and the member's card offers the share link", async ({ browser }, info) => {
  await setup(browser);
  const ana = await join(browser, `/join/${programId}`, "Ana Referrer", `ana-${run}@e2e.test`);
  await ana.getByRole("button", { name: "Get my card" }).click();
  await expect(ana).toHaveURL(/\/c\//);
  anaCard = ana.url();
  await expect(ana.getByTestId("referral-offer")).toHaveText("Share your link: your friends join in a tap.");

  await ownerPage.goto("/dashboard/automations");
  await expect(ownerPage.getByRole("heading", { name: "Automations", level: 1 })).toBeVisible();
  const referrals = ownerPage.getByRole("form", { name: "Referrals settings" });
  await referrals.getByLabel("Referrals on").check();
  await referrals.getByLabel("For the member who shared").fill("100");
  await referrals.getByLabel("For the new member").fill("50");
  await referrals.getByLabel("Qualifying purchase from (USD)").fill("10");
  await referrals.getByLabel("Cap per referrer a month").fill("5");
  await referrals.getByRole("button", { name: "Save" }).click();
  await expect(referrals.getByText("Saved: it is on.")).toBeVisible();
  const section = ownerPage.getByRole("region", { name: /^Referrals (On|Off)$/ });
  await expect(section.getByText("On", { exact: true })).toBeVisible();
  await expect(section).toContainText("first purchase of at least $10.00: 100 points for the member who shared their link, 50 points for the new member");
  await accessible(ownerPage, "automations");
  await shot(ownerPage, info, "01-automations-referral-on");

  await ana.reload();
  await expect(ana.getByTestId("referral-offer")).toHaveText("Your friend gets 50 points and you get 100 points after their first purchase of $10.00 or more.");
  anaLink = await ana.getByTestId("referral-link").inputValue();
  expect(anaLink).toMatch(new RegExp(`/join/${programId}\\?ref=[A-Z0-9]{4}-[A-Z0-9]{4}$`));
  await expect(ana.getByRole("img", { name: "QR code of your invite link" })).toBeVisible();
  await accessible(ana, "card page with the share link");
  await shot(ana, info, "02-referrer-card-share");
  await ana.context().close();
});

test("an unknown invite code is ignored politely; a newcomer joins through the referral link", async ({ browser }, info) => {
  await setup(browser);
  const stranger = await browser.newPage();
  await stranger.goto(`/join/${programId}?ref=NOPE-NOPE`);
  await expect(stranger.getByTestId("referral-unknown")).toHaveText("We don't recognise this invite code, but you can still join.");
  await stranger.close();

  const path = new URL(anaLink).pathname + new URL(anaLink).search;
  const ben = await join(browser, path, "Ben Newcomer", `ben-${run}@e2e.test`);
  await expect(ben.getByTestId("referral-invite")).toHaveText("A friend invited you. You get 50 points after your first purchase of $10.00 or more.");
  await accessible(ben, "join page with an invite");
  await shot(ben, info, "03-join-with-invite");
  await ben.getByRole("button", { name: "Get my card" }).click();
  await expect(ben).toHaveURL(/\/c\//);
  benCard = ben.url();
  await expect(ben.getByTestId("balance")).toHaveText(/^0/);
  await ben.context().close();
});

test("the newcomer's first purchase at the counter credits both members", async ({ browser }, info) => {
  await setup(browser);
  const ben = await browser.newPage({ viewport: { width: 420, height: 900 } });
  await ben.goto(benCard);
  const code = /Member code (\S+)/.exec((await ben.getByText(/^Member code /).textContent())!)![1]!;

  await ownerPage.goto("/staff");
  await ownerPage.getByLabel(/member code/i).fill(code);
  await ownerPage.getByRole("button", { name: "Find" }).click();
  await expect(ownerPage.getByTestId("scanned-card")).toContainText("Ben Newcomer");
  await ownerPage.getByLabel("Purchase amount").fill("12.50");
  await ownerPage.getByRole("button", { name: "Award" }).click();
  await expect(ownerPage.getByTestId("confirmation-title")).toHaveText("+12 points");

  // 12 points for the purchase and 50 for joining through a friend; Ana gets 100.
  await ben.reload();
  await expect(ben.getByTestId("balance")).toHaveText("62");
  await shot(ben, info, "04-newcomer-credited");
  const ana = await browser.newPage({ viewport: { width: 420, height: 900 } });
  await ana.goto(anaCard);
  await expect(ana.getByTestId("balance")).toHaveText("100");
  await shot(ana, info, "05-referrer-credited");

  await ownerPage.goto(`/dashboard/automations?program=${programId}`);
  const leaderboard = ownerPage.getByRole("table", { name: "Top referrers of this program" });
  await expect(leaderboard.getByRole("row").filter({ hasText: "Ana Referrer" })).toContainText("100 points");
  await expect(ownerPage.getByTestId("automation-referral-numbers")).toContainText("150 points");
  await shot(ownerPage, info, "06-automations-after");

  await leaderboard.getByRole("link", { name: "Ana Referrer" }).click();
  await expect(ownerPage.getByRole("heading", { name: "Ana Referrer", level: 1 })).toBeVisible();
  const referred = ownerPage.getByTestId("member-referrals");
  await expect(referred).toContainText("Ben Newcomer");
  await expect(referred).toContainText("credited");
  await expect(referred).toContainText("+100 to this card");
  await accessible(ownerPage, "member page with referrals");
  await shot(ownerPage, info, "07-member-referrals");
  await owner.close();
});
