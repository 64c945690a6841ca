import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cards, customers, emails, ledgerEntries, vouchers } from "@/db/schema";
import { enroll } from "@/lib/cards/enroll";
import { lifecycleBonuses } from "@/jobs/lifecycle-bonuses";
import { earn } from "@/lib/ledger/earn";
import { getAutomations, updateAutomations } from "@/lib/lifecycle/automations";
import { grantBirthdayBonuses, grantWinbackBonuses } from "@/lib/lifecycle/bonuses";
import { makeCard, makeMerchant, makeProgram, makeReward, type TestMerchant } from "../support/fixtures";

const DAY = 86_400_000;

async function bonuses(m: TestMerchant, cardId: string) {
  return (await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.cardId, cardId), eq(ledgerEntries.kind, "bonus")))).map((e) => e.amount);
}

async function runJob() {
  const { result, error } = await new InngestTestEngine({ function: lifecycleBonuses }).execute();
  expect(error).toBeUndefined();
  return result as { birthday: { cards: number }; winback: { cards: number } };
}

const mail = (m: TestMerchant, who: string) => `${who}-${m.merchantId.toLowerCase()}@example.test`;
const birthdayProgram = async (m: TestMerchant, birthday: { bonus?: number; rewardId?: string | null; daysBefore?: number; enabled?: boolean }) => {
  const program = await makeProgram(m);
  await updateAutomations(m.ctx, { programId: program.id, birthday: { enabled: birthday.enabled ?? true, bonus: birthday.bonus ?? 0, rewardId: birthday.rewardId ?? null, daysBefore: birthday.daysBefore ?? 0 } });
  return program;
};
const member = async (m: TestMerchant, programId: string, who: string, birthday: string) =>
  (await enroll(m.ctx, { programId, customer: { email: mail(m, who), birthday } })).card;

describe("lifecycle bonuses", () => {
  it("pays the birthday bonus on the birthday only, once a year", async () => {
    const m = await makeMerchant();
    const program = await birthdayProgram(m, { bonus: 40 });
    const today = new Date().toISOString().slice(5, 10);
    const other = today === "06-15" ? "07-15" : "06-15";
    const birthday = await member(m, program.id, "bday", `1990-${today}`);
    const notToday = await member(m, program.id, "other", `1990-${other}`);

    await runJob();
    await runJob();
    expect(await bonuses(m, birthday.id)).toEqual([40]);
    expect(await bonuses(m, notToday.id)).toEqual([]);
  });

  it("pays N days before the birthday (across the new year), once per birthday", async () => {
    const m = await makeMerchant();
    const program = await birthdayProgram(m, { bonus: 25, daysBefore: 7 });
    const at = new Date("2026-12-29T12:00:00Z");
    const inSeven = await member(m, program.id, "in7", "1985-01-05"); // 7 days ahead, next year
    const inThree = await member(m, program.id, "in3", "1985-01-01"); // inside the window: joined late, still gets it
    const inEight = await member(m, program.id, "in8", "1985-01-06"); // not yet
    const past = await member(m, program.id, "past", "1985-12-27"); // two days ago

    // Two runs at once (a retry overlapping the next hour's run) pay once.
    await Promise.all([grantBirthdayBonuses(m.db, at), grantBirthdayBonuses(m.db, at), grantBirthdayBonuses(m.db, new Date(at.getTime() + 3_600_000))]);
    expect(await bonuses(m, inSeven.id)).toEqual([25]);
    expect(await bonuses(m, inThree.id)).toEqual([25]);
    expect(await bonuses(m, inEight.id)).toEqual([]);
    expect(await bonuses(m, past.id)).toEqual([]);

    // The next day the 6 January birthday is due; the others are not paid again.
    await grantBirthdayBonuses(m.db, new Date(at.getTime() + DAY));
    expect(await bonuses(m, inEight.id)).toEqual([25]);
    expect(await bonuses(m, inSeven.id)).toEqual([25]);
  });

  it("gives a birthday voucher for a catalog reward instead of points, once", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const cake = await makeReward(m, program.id, 200);
    await updateAutomations(m.ctx, { programId: program.id, birthday: { enabled: true, bonus: 0, rewardId: cake.id, daysBefore: 3 } });
    const at = new Date("2027-03-10T09:00:00Z");
    const soon = await member(m, program.id, "soon", "1999-03-12");
    await Promise.all([grantBirthdayBonuses(m.db, at), grantBirthdayBonuses(m.db, at)]);
    const given = await m.db.select().from(vouchers).where(eq(vouchers.cardId, soon.id));
    expect(given.map((v) => ({ title: v.title, rewardId: v.rewardId }))).toEqual([{ title: cake.name, rewardId: cake.id }]);
    expect(await bonuses(m, soon.id)).toEqual([]);
    const automations = await getAutomations(m.ctx, program.id, at);
    expect(automations.birthday.stats.cost).toMatchObject({ grants: 1, vouchers: 1, points: 0 });
  });

  it("gives nothing while an automation is switched off, and keeps its settings", async () => {
    const m = await makeMerchant();
    const program = await birthdayProgram(m, { bonus: 40, enabled: false });
    const today = new Date().toISOString().slice(5, 10);
    const card = await member(m, program.id, "off", `1990-${today}`);
    await grantBirthdayBonuses(m.db, new Date());
    expect(await bonuses(m, card.id)).toEqual([]);
    expect((await getAutomations(m.ctx, program.id)).birthday).toMatchObject({ enabled: false, bonus: 40 });
  });

  it("gives the welcome bonus once, on joining", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    await updateAutomations(m.ctx, { programId: program.id, welcome: { enabled: true, bonus: 20 } });
    const first = await enroll(m.ctx, { programId: program.id, customer: { email: mail(m, "welcome") } });
    const again = await enroll(m.ctx, { programId: program.id, customer: { email: mail(m, "welcome") } });
    expect(first.card.balance).toBe(20);
    expect(again.created).toBe(false);
    expect(await bonuses(m, first.card.id)).toEqual([20]);
    await updateAutomations(m.ctx, { programId: program.id, welcome: { enabled: false, bonus: 20 } });
    const later = await makeCard(m, program.id);
    expect(await bonuses(m, later.id)).toEqual([]);
    const stats = (await getAutomations(m.ctx, program.id)).welcome.stats;
    expect(stats.cost).toMatchObject({ grants: 1, points: 20 });
    expect(stats.qualifying.count).toBe(2);
  });

  it("rewards referrer and new member once, on the new member's first earn", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    await updateAutomations(m.ctx, { programId: program.id, referral: { enabled: true, referrerBonus: 100, refereeBonus: 50, minPurchase: 0, monthlyCap: null } });
    const referrer = await makeCard(m, program.id);
    const newcomer = (await enroll(m.ctx, { programId: program.id, customer: { email: mail(m, "new") }, referralCode: referrer.referralCode })).card;
    expect(newcomer.referredByCardId).toBe(referrer.id);

    const first = await earn(m.ctx, { cardId: newcomer.id, points: 10 });
    expect(first.card.balance).toBe(60);
    await earn(m.ctx, { cardId: newcomer.id, points: 10 });
    expect(await bonuses(m, newcomer.id)).toEqual([50]);
    expect(await bonuses(m, referrer.id)).toEqual([100]);
    const [r] = await m.db.select().from(cards).where(eq(cards.id, referrer.id));
    expect(r!.balance).toBe(100);
  });

  it("offers a win-back bonus once per spell of inactivity, with an email to those who accepted marketing", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    await updateAutomations(m.ctx, { programId: program.id, winback: { enabled: true, days: 60, bonus: 30 } });
    const gone = (await enroll({ ...m.ctx, now: () => new Date(Date.now() - 90 * DAY) }, { programId: program.id, customer: { email: mail(m, "gone") }, marketingConsent: true })).card;
    const regular = await makeCard(m, program.id);
    await m.db.update(customers).set({ name: "Sam" }).where(eq(customers.id, gone.customerId));

    await runJob();
    await runJob();
    expect(await bonuses(m, gone.id)).toEqual([30]);
    expect(await bonuses(m, regular.id)).toEqual([]);
    const sent = await m.db.select().from(emails).where(and(eq(emails.merchantId, m.merchantId), eq(emails.kind, "winback")));
    expect(sent.map((e) => e.to)).toEqual([mail(m, "gone")]);
  });

  it("win-back: a later day of the same spell pays nothing; a visit starts a new spell, paid again after N days", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    await updateAutomations(m.ctx, { programId: program.id, winback: { enabled: true, days: 30, bonus: 15 } });
    const start = Date.now();
    const card = (await enroll({ ...m.ctx, now: () => new Date(start - 40 * DAY) }, { programId: program.id, customer: { email: mail(m, "spell") } })).card;
    await Promise.all([grantWinbackBonuses(m.db, new Date(start)), grantWinbackBonuses(m.db, new Date(start))]);
    await grantWinbackBonuses(m.db, new Date(start + 5 * DAY));
    await grantWinbackBonuses(m.db, new Date(start + 20 * DAY));
    expect(await bonuses(m, card.id)).toEqual([15]);

    await earn({ ...m.ctx, now: () => new Date(start + 21 * DAY) }, { cardId: card.id, points: 5 });
    await grantWinbackBonuses(m.db, new Date(start + 40 * DAY)); // 19 days since the visit
    expect(await bonuses(m, card.id)).toEqual([15]);
    await grantWinbackBonuses(m.db, new Date(start + 52 * DAY)); // 31 days since the visit
    await grantWinbackBonuses(m.db, new Date(start + 53 * DAY));
    expect(await bonuses(m, card.id)).toEqual([15, 15]);
  });
});
