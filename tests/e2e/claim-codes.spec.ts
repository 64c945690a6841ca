import { expect, test } from "@playwright/test";
import { qrTextsOfPdf } from "../support/pdf-qr";
import { accessible, shot, signInByMagicLink } from "./support";

/**
 * Printed claim codes in real browsers: a merchant makes a batch and downloads the sheet of QR
 * labels; a customer opens a label's QR on a phone, joins and sees the points on the card; the same
 * code again answers "already claimed"; a second label goes straight onto the remembered card. Then
 * the batch's results, and a goodwill voucher given and voided from the vouchers page.
 */
const run = Date.now().toString(36);

test("a merchant prints claim codes; a customer claims one once and sees the points; a second claim is refused", async ({ browser }, info) => {
  const owner = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await owner.newPage();
  await signInByMagicLink(page, `owner-claims-${run}@e2e.test`);
  await expect(page.getByRole("heading", { name: "Welcome to Keepcard" })).toBeVisible();
  await page.getByLabel("Business name").fill("Lid Roasters");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Create your first program" })).toBeVisible();
  await page.getByLabel("Program name").fill("Bean Points");
  await page.getByRole("button", { name: "Create program" }).click();
  await expect(page.getByRole("heading", { name: "Invite your staff" })).toBeVisible();
  await page.getByRole("button", { name: "Go to the dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();

  // A batch of three codes worth 150 points each.
  await page.getByRole("link", { name: "Claim codes" }).first().click();
  await expect(page.getByRole("heading", { name: "Claim codes" })).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill("Coffee bags");
  await page.getByLabel("Each code gives (points)").fill("150");
  await page.getByLabel("How many codes").fill("3");
  await page.getByRole("button", { name: "Make codes" }).click();
  const row = page.getByRole("row").filter({ hasText: "Coffee bags" });
  await expect(row).toContainText("150 points");
  await accessible(page, "the claim codes page");
  await shot(page, info, "claim-codes-list");

  // The printed sheet: a PDF whose labels' QR codes lead to the claim page on this origin.
  const pdfHref = await row.getByRole("link", { name: /PDF/ }).getAttribute("href");
  const pdf = await page.request.get(pdfHref!);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  const printed = await qrTextsOfPdf(new Uint8Array(await pdf.body()));
  expect(printed).toHaveLength(3);
  const origin = new URL(page.url()).origin;
  for (const url of printed) expect(url).toMatch(new RegExp(`^${origin}/claim/[A-Z2-7]{16}$`));
  const csv = await (await page.request.get((await row.getByRole("link", { name: /CSV/ }).getAttribute("href"))!)).text();
  for (const url of printed) expect(csv).toContain(url);

  // A customer scans the first label with the phone camera: a newcomer joins and is credited.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "en-US" });
  const customer = await phone.newPage();
  await customer.goto(printed[0]!);
  await expect(customer.getByTestId("claim-title")).toHaveText("150 points from Lid Roasters");
  await accessible(customer, "the claim page");
  await shot(customer, info, "claim-page");
  await customer.getByLabel("Your name").fill("Cleo");
  await customer.getByLabel("Email", { exact: true }).fill(`cleo-${run}@e2e.test`);
  await customer.getByLabel(/I want to join/).check();
  await customer.getByRole("button", { name: "Claim" }).click();
  const done = customer.getByTestId("claim-done");
  await expect(done).toContainText("150 points added!");
  await expect(done).toContainText("Your card now has 150 points.");
  await shot(customer, info, "claim-done");
  await done.getByRole("link", { name: "Open my card" }).click();
  await expect(customer.getByTestId("balance")).toHaveText("150");
  await shot(customer, info, "card-after-claim");

  // The same code again: "already claimed" at once, and nothing more on the card.
  await customer.goto(printed[0]!);
  await expect(customer.getByTestId("claim-title")).toHaveText("Already claimed");
  await expect(customer.getByText("This code was already used.")).toBeVisible();
  await expect(customer.getByRole("button", { name: "Claim" })).toHaveCount(0);
  await shot(customer, info, "claim-again");

  // A second label goes onto the card this phone remembers, in one tap.
  await customer.goto(printed[1]!);
  await expect(customer.getByRole("button", { name: "Add to my card" })).toBeVisible();
  await customer.getByRole("button", { name: "Add to my card" }).click();
  await expect(customer.getByTestId("claim-done")).toContainText("Your card now has 300 points.");
  await shot(customer, info, "claim-remembered");

  // Someone else scanning an already used label from another phone is refused too.
  const other = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const stranger = await other.newPage();
  await stranger.goto(printed[1]!);
  await expect(stranger.getByTestId("claim-title")).toHaveText("Already claimed");

  // The batch's results on the dashboard.
  await page.goto("/dashboard/claim-codes");
  await page.getByRole("link", { name: "Coffee bags", exact: true }).click();
  const stats = page.getByTestId("batch-stats");
  await expect(stats).toContainText("Claimed2");
  await expect(stats).toContainText("Unclaimed1");
  await expect(stats).toContainText("Points given300 points");
  await expect(page.getByRole("img", { name: /Claims per day\. Claims: 2 in total/ })).toBeVisible();
  await accessible(page, "the batch results page");
  await shot(page, info, "claim-batch-results");

  // A goodwill voucher for the new member, then voided.
  await page.goto("/dashboard/vouchers");
  const give = page.getByRole("form", { name: "Give a voucher" });
  await give.getByLabel("Member's email").fill(`cleo-${run}@e2e.test`);
  await give.getByLabel("Voucher for").fill("Free coffee");
  await page.getByRole("button", { name: "Give voucher" }).click();
  await expect(page.getByText(/Voucher [A-Z0-9]{4}-[A-Z0-9]{4} given\./)).toBeVisible();
  const voucherRow = page.getByRole("row").filter({ hasText: "Free coffee" });
  await expect(voucherRow).toContainText("open");
  await accessible(page, "the vouchers page");
  await shot(page, info, "vouchers-page");
  page.once("dialog", (d) => d.accept());
  await voucherRow.getByRole("button", { name: "Void Free coffee" }).click();
  await expect(voucherRow).toContainText("void");
  await expect(voucherRow.getByRole("button", { name: "Void Free coffee" })).toHaveCount(0);

  await other.close();
  await phone.close();
  await owner.close();
});
