import fs from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { accessible, shot, signInByMagicLink } from "./support";

/**
 * A customer looks after their own data from the card page and from links in their emails:
 * one-click unsubscribe (and no marketing email after it), the details form, downloading their
 * data, and deleting it after an emailed confirmation. The Apple and Google passes being voided on
 * erasure is checked in tests/integration/self-service.test.ts (this build runs without wallet
 * certificates); here the card page says the card no longer works.
 */
test.describe.configure({ mode: "serial" });

const run = Date.now().toString(36);
let programId = "";

async function ownerPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInByMagicLink(page, `owner-self-${run}@e2e.test`);
  return page;
}

async function join(browser: Browser, email: string, marketing: boolean): Promise<Page> {
  const customer = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const card = await customer.newPage();
  await card.goto(`/join/${programId}`);
  await card.getByLabel("Your name").fill("Sam Customer");
  await card.getByLabel("Email", { exact: true }).fill(email);
  await card.getByRole("checkbox", { name: /I want to join/ }).check();
  if (marketing) await card.getByRole("checkbox", { name: /Send me offers/ }).check();
  await card.getByRole("button", { name: "Get my card" }).click();
  await expect(card).toHaveURL(/\/c\/[A-Za-z0-9]+$/);
  return card;
}

/** Schedules an announced campaign and starts it at once (the dev route does what the Inngest job does at the start time). */
async function runCampaign(owner: Page, name: string): Promise<{ started: number; emailed: number }> {
  await owner.goto("/dashboard/campaigns");
  await owner.getByLabel("Name", { exact: true }).fill(name);
  await owner.getByLabel("Subject").fill(`${name}: double points`);
  await owner.getByRole("textbox", { name: "Message" }).fill("Come by this week.");
  await owner.getByRole("button", { name: "Schedule campaign" }).click();
  await expect(owner.getByRole("row").filter({ hasText: name })).toBeVisible();
  const res = await owner.request.post("/dev/campaigns/start", { form: { name } });
  expect(res.status()).toBe(200);
  return (await res.json()) as { started: number; emailed: number };
}

const outboxMail = (page: Page, to: string, subject: string) => page.locator(`[data-testid="outbox-email"][data-to="${to}"]`).filter({ hasText: subject });

test("a customer unsubscribes with one click and gets no further marketing email", async ({ browser }, info) => {
  const owner = await ownerPage(browser);
  await expect(owner.getByRole("heading", { name: "Welcome to Keepcard" })).toBeVisible();
  await owner.getByLabel("Business name").fill("Quiet Beans");
  await owner.getByRole("button", { name: "Continue" }).click();
  await owner.getByLabel("Program name").fill("Quiet Points");
  await owner.getByRole("button", { name: "Create program" }).click();
  await expect(owner.getByRole("heading", { name: "Invite your staff" })).toBeVisible();
  await owner.getByRole("button", { name: "Go to the dashboard" }).click();
  await owner.goto("/dashboard/programs");
  await owner.getByRole("link", { name: /Quiet Points/ }).click();
  await expect(owner.getByRole("heading", { name: "Quiet Points" })).toBeVisible();
  programId = /\/dashboard\/programs\/([^/?]+)/.exec(owner.url())![1]!;

  const email = `sam-${run}@e2e.test`;
  const card = await join(browser, email, true);
  const cardUrl = card.url();
  await expect(card.getByRole("checkbox", { name: "Send me offers and news by email" })).toBeChecked();

  expect(await runCampaign(owner, `Spring ${run}`)).toEqual({ started: 1, emailed: 1 });
  await card.goto("/dev/outbox");
  const spring = outboxMail(card, email, `Spring ${run}: double points`);
  await expect(spring).toHaveCount(1);
  // RFC 8058: the List-Unsubscribe header and its one-click POST, and the same link in the text.
  const header = await spring.locator('[data-header="List-Unsubscribe"]').textContent();
  await expect(spring.locator('[data-header="List-Unsubscribe-Post"]')).toHaveText("List-Unsubscribe=One-Click");
  const url = /^<(.+)>$/.exec(header ?? "")![1]!;
  await expect(spring.getByRole("link", { name: url })).toBeVisible();

  // The customer follows the link: a page asks first (a mail scanner's visit changes nothing), one click unsubscribes.
  await card.goto(url);
  await expect(card.getByRole("heading", { name: "Unsubscribe from offers" })).toBeVisible();
  await accessible(card, "unsubscribe page");
  await shot(card, info, "unsubscribe-confirm");
  await card.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(card.getByRole("heading", { name: "You are unsubscribed" })).toBeVisible();
  await expect(card.getByText("Quiet Beans will send you no more offers by email.")).toBeVisible();
  await shot(card, info, "unsubscribe-done");
  // The mail client's own one-click POST, without any session, is accepted too (already unsubscribed: still fine).
  const oneClick = await card.request.post(url, { form: { "List-Unsubscribe": "One-Click" } });
  expect(oneClick.status()).toBe(200);

  // The next campaign sends the customer nothing.
  expect(await runCampaign(owner, `Summer ${run}`)).toEqual({ started: 1, emailed: 0 });
  await card.goto("/dev/outbox");
  await expect(outboxMail(card, email, `Spring ${run}`)).toHaveCount(1);
  await expect(outboxMail(card, email, `Summer ${run}`)).toHaveCount(0);

  // The card page shows the preference off; turning it back on is the customer's choice there.
  await card.goto(cardUrl);
  await expect(card.getByRole("checkbox", { name: "Send me offers and news by email" })).not.toBeChecked();
  await owner.context().close();
  await card.context().close();
});

test("a customer edits their details, downloads their data and deletes it after an emailed confirmation", async ({ browser }, info) => {
  const email = `del-${run}@e2e.test`;
  const card = await join(browser, email, false);
  const cardUrl = card.url();

  const details = card.getByRole("region", { name: "Your details" });
  await details.getByLabel("Name").fill("Sam Deleted");
  await details.getByLabel(/Birthday/).fill("1991-04-05");
  await details.getByRole("button", { name: "Save my details" }).click();
  await expect(details.getByText("Saved.")).toBeVisible();
  await card.reload();
  await expect(card.getByRole("region", { name: "Your details" }).getByLabel("Name")).toHaveValue("Sam Deleted");
  await expect(card.getByRole("checkbox", { name: "Send me offers and news by email" })).not.toBeChecked();
  await accessible(card, "card page with self-service");
  await shot(card, info, "card-self-service");

  // Download my data: a JSON file with what is kept.
  const [download] = await Promise.all([card.waitForEvent("download"), card.getByRole("button", { name: "Download my data" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.json$/);
  const data = JSON.parse(fs.readFileSync((await download.path())!, "utf8")) as { customer: { email: string; name: string; birthday: string }; cards: { program: string; status: string }[] };
  expect(data.customer).toMatchObject({ email, name: "Sam Deleted", birthday: "1991-04-05" });
  expect(data.cards).toEqual([expect.objectContaining({ program: "Quiet Points", status: "active" })]);

  // Delete: nothing happens until the emailed link is confirmed.
  await card.getByRole("button", { name: "Delete my card and data" }).click();
  await expect(card.getByText("Check your email: we sent you a link to confirm the deletion.")).toBeVisible();
  await card.goto("/dev/outbox");
  const mail = outboxMail(card, email, "Confirm deleting your Quiet Beans card");
  await expect(mail).toHaveCount(1);
  const link = await mail.getByRole("link", { name: /\/delete-my-data\// }).getAttribute("href");
  await card.goto(link!);
  await expect(card.getByRole("heading", { name: "Delete your card and data" })).toBeVisible();
  await accessible(card, "deletion confirmation");
  await shot(card, info, "delete-confirm");
  await card.getByRole("button", { name: "Delete everything" }).click();
  await expect(card.getByRole("heading", { name: "Your data was deleted" })).toBeVisible();
  await shot(card, info, "delete-done");

  // The card is closed: its page says the wallet card no longer works, with no personal details left.
  await card.goto(cardUrl);
  await expect(card.getByText("Your card is closed and your personal data is gone.")).toBeVisible();
  await expect(card.getByRole("region", { name: "Your details" })).toHaveCount(0);
  await expect(card.getByText("Sam Deleted")).toHaveCount(0);
  await expect(card.getByRole("img", { name: "Your card's QR code" })).toHaveCount(0);
  await shot(card, info, "card-closed");
  // The link was for one use.
  await card.goto(link!);
  await expect(card.getByRole("heading", { name: "This link does not work" })).toBeVisible();
  await card.context().close();
});

test("an owner sets a group goal and a member sees its progress on the card page", async ({ browser }, info) => {
  const owner = await ownerPage(browser);
  await owner.goto("/dashboard/goals");
  await expect(owner.getByRole("heading", { name: "Goals", exact: true })).toBeVisible();
  await owner.getByLabel("Name", { exact: true }).fill("Coffee rush");
  await owner.getByLabel("Target (visits)").fill("1000");
  await owner.getByLabel("Bonus points").fill("40");
  await owner.getByRole("button", { name: "Create goal" }).click();
  await expect(owner.getByText("“Coffee rush” is running.")).toBeVisible();
  const row = owner.getByRole("row").filter({ hasText: "Coffee rush" });
  await expect(row).toContainText("0 of 1,000 visits (0%)");
  await expect(row).toContainText("40 points");
  await accessible(owner, "goals page");
  await shot(owner, info, "dashboard-goals");

  const card = await join(browser, `goal-${run}@e2e.test`, false);
  const goals = card.getByRole("region", { name: "Group goal" });
  await expect(goals.getByText("Coffee rush")).toBeVisible();
  await expect(goals.getByText("0 of 1,000 visits")).toBeVisible();
  await expect(goals.getByText("Everyone who takes part gets 40 points.")).toBeVisible();
  await expect(goals.getByText(/Visit us before the end to take part\./)).toBeVisible();
  await shot(card, info, "card-goal");
  await owner.context().close();
  await card.context().close();
});
