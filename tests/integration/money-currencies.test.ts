import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import { loadCardView } from "@/lib/cards/view";
import { recentActivity } from "@/lib/insights/feed";
import { payoutRun } from "@/jobs/payout-run";
import { earn } from "@/lib/ledger/earn";
import { configurePayouts, payoutsCsv, requestPayoutRun } from "@/lib/payouts/runs";
import { renderPass } from "@/wallet/apple/pass";
import { loyaltyObjectFields } from "@/wallet/google/sync";
import { makeCard, makeMerchant, makeProgram } from "../support/fixtures";
import { readStoredZip, testAppleConfig } from "../support/wallet-certs";

type Field = { key: string; value: unknown; currencyCode?: string };
type PassJson = { storeCard: { primaryFields: Field[]; backFields: Field[] } };

/**
 * A yen shop (no minor unit) and a dinar shop (three decimals), each with 10% cashback: what the
 * customer's passes show and what the payout CSV says must follow the currency, not "cents".
 */
async function cashbackShop(currency: string, purchaseMinor: number) {
  const m = await makeMerchant({ currency });
  const program = await makeProgram(m, { kind: "cashback", cashbackPercent: 10 });
  const card = await makeCard(m, program.id);
  await earn(m.ctx, { cardId: card.id, purchase: { amount: purchaseMinor, currency } });
  const view = (await loadCardView(m.db, { cardId: card.id }))!;
  return { m, program, card, view };
}

const cases = [
  // ¥12,500 earns ¥1,250 (1250 minor units); KWD 31.250 earns KWD 3.125 (3125 fils).
  { currency: "JPY", purchase: 12_500, balance: 1250, major: 1250, text: "¥1,250", micros: "1250000000", feed: /^earned ¥1,250 cashback/, csv: '"1250","1250","JPY"' },
  { currency: "KWD", purchase: 31_250, balance: 3125, major: 3.125, text: /^KWD\s?3\.125$/, micros: "3125000", feed: /^earned KWD\s?3\.125 cashback/, csv: '"3.125","3125","KWD"' },
] as const;

describe.each(cases)("cashback in $currency", (c) => {
  it("the Apple pass shows the balance in major units with the currency, and the back says it in words", async () => {
    const { view } = await cashbackShop(c.currency, c.purchase);
    expect(view.card.balance).toBe(c.balance);
    const pass = JSON.parse(readStoredZip(renderPass(view, testAppleConfig()).body)["pass.json"]!.toString("utf8")) as PassJson;
    const balance = pass.storeCard.primaryFields.find((f) => f.key === "balance")!;
    expect(balance).toMatchObject({ value: c.major, currencyCode: c.currency });
    expect(String(pass.storeCard.backFields.find((f) => f.key === "balance_text")!.value)).toMatch(c.text);
  });

  it("the Google object carries the exact amount in micros", async () => {
    const { view } = await cashbackShop(c.currency, c.purchase);
    expect(loyaltyObjectFields(view).loyaltyPoints).toMatchObject({ label: "Cashback", balance: { money: { micros: c.micros, currencyCode: c.currency } } });
  });

  it("the dashboard's live feed says the cashback in the currency", async () => {
    const { m } = await cashbackShop(c.currency, c.purchase);
    const [item] = await recentActivity(m.db, m.merchantId, { showNames: true });
    expect(item!.text).toMatch(c.feed);
  });

  it("the payout CSV writes the amount with the currency's decimals", async () => {
    const { m, program } = await cashbackShop(c.currency, c.purchase);
    await configurePayouts(m.ctx, { programId: program.id, provider: "manual", thresholdMinor: 1 });
    const { run } = await requestPayoutRun(m.ctx, { programId: program.id });
    const engine = new InngestTestEngine({ function: payoutRun, events: [{ name: "payout_run.requested", data: { runId: run.id, programId: program.id, merchantId: m.merchantId } }] });
    expect((await engine.execute()).error).toBeUndefined();
    const [header, line, ...rest] = (await payoutsCsv(m.ctx, run.id)).trim().split("\r\n");
    expect(header).toContain('"customer_name","amount","amount_minor","currency","status"');
    expect(rest).toEqual([]);
    expect(line).toContain(`${c.csv},"pending"`);
  });
});
