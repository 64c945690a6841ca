import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cards, customers, emails, ledgerEntries } from "@/db/schema";
import { enroll } from "@/lib/cards/enroll";
import { lifecycleBonuses } from "@/jobs/lifecycle-bonuses";
import { earn } from "@/lib/ledger/earn";
import { setLifecycle } from "@/lib/lifecycle/settings";
import { makeCard, makeMerchant, makeProgram, type TestMerchant } from "../support/fixtures";

const DAY = 86_400_000;

async function bonuses(m: TestMerchant, cardId: string) {
  return m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.cardId, cardId), eq(ledgerEntries.kind, "bonus")));
}

async function runJob() {
  const { result, error } = await new InngestTestEngine({ function: lifecycleBonuses }).execute();
  expect(error).toBeUndefined();
  return result as { birthday: { cards: number }; winback: { cards: number } };
}

describe("lifecycle bonuses", () => {
  it("pays the birthday bonus on the birthday only, once a year", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    await setLifecycle(m.ctx, { programId: program.id, birthdayBonus: 40 });
    const today = new Date().toISOString().slice(5, 10);
    const other = today === "06-15" ? "07-15" : "06-15";
    const birthday = (await enroll(m.ctx, { programId: program.id, customer: { email: `bday-${m.merchantId.toLowerCase()}@example.test`, birthday: `1990-${today}` } })).card;
    const notToday = (await enroll(m.ctx, { programId: program.id, customer: { email: `other-${m.merchantId.toLowerCase()}@example.test`, birthday: `1990-${other}` } })).card;

    await runJob();
    await runJob();
    expect((await bonuses(m, birthday.id)).map((e) => e.amount)).toEqual([40]);
    expect(await bonuses(m, notToday.id)).toHaveLength(0);
  });

  it("rewards referrer and new member once, on the new member's first earn", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    await setLifecycle(m.ctx, { programId: program.id, referrerBonus: 100, refereeBonus: 50 });
    const referrer = await makeCard(m, program.id);
    const newcomer = (await enroll(m.ctx, { programId: program.id, customer: { email: `new-${m.merchantId.toLowerCase()}@example.test` }, referralCode: referrer.referralCode })).card;
    expect(newcomer.referredByCardId).toBe(referrer.id);

    const first = await earn(m.ctx, { cardId: newcomer.id, points: 10 });
    expect(first.card.balance).toBe(60);
    await earn(m.ctx, { cardId: newcomer.id, points: 10 });
    expect((await bonuses(m, newcomer.id)).map((e) => e.amount)).toEqual([50]);
    expect((await bonuses(m, referrer.id)).map((e) => e.amount)).toEqual([100]);
    const [r] = await m.db.select().from(cards).where(eq(cards.id, referrer.id));
    expect(r!.balance).toBe(100);
  });

  it("offers a win-back bonus once per spell of inactivity, with an email to those who accepted marketing", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    await setLifecycle(m.ctx, { programId: program.id, winbackDays: 60, winbackBonus: 30 });
    const gone = (await enroll({ ...m.ctx, now: () => new Date(Date.now() - 90 * DAY) }, { programId: program.id, customer: { email: `gone-${m.merchantId.toLowerCase()}@example.test` }, marketingConsent: true })).card;
    const regular = await makeCard(m, program.id);
    await m.db.update(customers).set({ name: "Sam" }).where(eq(customers.id, gone.customerId));

    await runJob();
    await runJob();
    expect((await bonuses(m, gone.id)).map((e) => e.amount)).toEqual([30]);
    expect(await bonuses(m, regular.id)).toHaveLength(0);
    const sent = await m.db.select().from(emails).where(and(eq(emails.merchantId, m.merchantId), eq(emails.kind, "winback")));
    expect(sent.map((e) => e.to)).toEqual([`gone-${m.merchantId.toLowerCase()}@example.test`]);
  });
});
