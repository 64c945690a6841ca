import { and, eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { bonusGrants, cards, customers, ledgerEntries, outboxEvents, referrals } from "@/db/schema";
import { enroll } from "@/lib/cards/enroll";
import { joinFromPublicPage } from "@/lib/cards/join";
import { referralInvite } from "@/lib/lifecycle/referral";
import { earn } from "@/lib/ledger/earn";
import { updateAutomations } from "@/lib/lifecycle/automations";
import { referralLink } from "@/lib/cards/links";
import { loadCardView } from "@/lib/cards/view";
import { passModel } from "@/wallet/apple/pass";
import { loyaltyObjectFields } from "@/wallet/google/sync";
import { makeCard, makeMerchant, makeProgram, type TestMerchant } from "../support/fixtures";
import { testAppleConfig } from "../support/wallet-certs";
import { expectLedgerConsistent } from "../support/invariants";

const usd = (amount: number) => ({ purchase: { amount, currency: "USD" } });

async function bonuses(m: TestMerchant, cardId: string) {
  return (await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.cardId, cardId), eq(ledgerEntries.kind, "bonus")))).map((e) => e.amount);
}

async function balance(m: TestMerchant, cardId: string) {
  const [c] = await m.db.select().from(cards).where(eq(cards.id, cardId));
  return c!.balance;
}

async function referralOf(m: TestMerchant, refereeCardId: string) {
  const [r] = await m.db.select().from(referrals).where(eq(referrals.refereeCardId, refereeCardId));
  return r;
}

let n = 0;
const email = (m: TestMerchant, who: string) => `${who}-${++n}-${m.merchantId.toLowerCase()}@example.test`;

/** A program earning 1 point per dollar, with referrals on: 100 for the referrer, 50 for the newcomer. */
async function setup(referral: { minPurchase?: number; monthlyCap?: number | null } = {}) {
  const m = await makeMerchant();
  const program = await makeProgram(m, { rules: { basis: "amount", rate: 1 } });
  await updateAutomations(m.ctx, { programId: program.id, referral: { enabled: true, referrerBonus: 100, refereeBonus: 50, minPurchase: referral.minPurchase ?? 1000, monthlyCap: referral.monthlyCap ?? null } });
  const referrer = await makeCard(m, program.id, email(m, "referrer"));
  const join = async (who = "new", extra: { phone?: string; email?: string } = {}, code = referrer.referralCode) =>
    (await enroll(m.ctx, { programId: program.id, customer: { email: extra.email ?? email(m, who), ...(extra.phone ? { phone: extra.phone } : {}) }, referralCode: code })).card;
  return { m, program, referrer, join };
}

describe("referrals", () => {
  it("credits both sides only on the newcomer's first purchase of at least the minimum, and once", async () => {
    const { m, referrer, join } = await setup({ minPurchase: 1000 });
    const newcomer = await join();
    expect((await referralOf(m, newcomer.id))!.status).toBe("pending");

    await earn(m.ctx, { cardId: newcomer.id, ...usd(500) }); // $5: below the $10 minimum
    await earn(m.ctx, { cardId: newcomer.id, points: 30 }); // points typed at the counter: no purchase to qualify
    expect(await bonuses(m, newcomer.id)).toEqual([]);
    expect(await bonuses(m, referrer.id)).toEqual([]);
    expect((await referralOf(m, newcomer.id))!.status).toBe("pending");

    const qualifying = await earn(m.ctx, { cardId: newcomer.id, ...usd(1200) });
    expect(qualifying.card.balance).toBe(5 + 30 + 12 + 50);
    await earn(m.ctx, { cardId: newcomer.id, ...usd(5000) });
    expect(await bonuses(m, newcomer.id)).toEqual([50]);
    expect(await bonuses(m, referrer.id)).toEqual([100]);
    expect(await balance(m, referrer.id)).toBe(100);
    const r = (await referralOf(m, newcomer.id))!;
    expect(r).toMatchObject({ status: "credited", referrerPoints: 100, refereePoints: 50, qualifyingEntryId: qualifying.entry.id, reason: null });
    const events = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "referral.credited")));
    expect(events.map((e) => e.payload)).toEqual([{ referralId: r.id, programId: r.programId, referrerCardId: referrer.id, refereeCardId: newcomer.id, referrerPoints: 100, refereePoints: 50 }]);
    await expectLedgerConsistent(m.db, { merchantId: m.merchantId });
  });

  it("refuses a self-referral: the same email with a +tag, the same phone, or the referrer's own card", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { rules: { basis: "amount", rate: 1 } });
    await updateAutomations(m.ctx, { programId: program.id, referral: { enabled: true, referrerBonus: 100, refereeBonus: 50, minPurchase: 0, monthlyCap: null } });
    const base = email(m, "ana");
    const ana = (await enroll(m.ctx, { programId: program.id, customer: { email: base, phone: "+1 (555) 010-2030" } })).card;

    const tagged = (await enroll(m.ctx, { programId: program.id, customer: { email: base.replace("@", "+again@") }, referralCode: ana.referralCode })).card;
    const samePhone = (await enroll(m.ctx, { programId: program.id, customer: { email: email(m, "other"), phone: "15550102030" }, referralCode: ana.referralCode })).card;
    const own = await enroll(m.ctx, { programId: program.id, customer: { email: base }, referralCode: ana.referralCode });
    expect(own).toMatchObject({ created: false, card: { id: ana.id } });

    for (const card of [tagged, samePhone]) {
      expect(card.referredByCardId).toBeNull();
      expect(await referralOf(m, card.id)).toMatchObject({ status: "refused", reason: "self_referral" });
      await earn(m.ctx, { cardId: card.id, ...usd(2000) });
      expect(await bonuses(m, card.id)).toEqual([]);
    }
    expect(await m.db.select().from(referrals).where(eq(referrals.refereeCardId, ana.id))).toEqual([]);
    expect(await bonuses(m, ana.id)).toEqual([]);
  });

  it("refuses at crediting time a newcomer who has since taken the referrer's phone number", async () => {
    const { m, referrer, join } = await setup({ minPurchase: 0 });
    await m.db.update(customers).set({ phone: "+44 20 7946 0000" }).where(eq(customers.id, referrer.customerId));
    const newcomer = await join();
    await m.db.update(customers).set({ phone: "00442079460000" }).where(eq(customers.id, newcomer.customerId));
    await earn(m.ctx, { cardId: newcomer.id, ...usd(1500) });
    expect(await referralOf(m, newcomer.id)).toMatchObject({ status: "refused", reason: "self_referral" });
    expect(await bonuses(m, referrer.id)).toEqual([]);
    expect(await bonuses(m, newcomer.id)).toEqual([]);
  });

  it("the join page takes the code from the link: it tells the newcomer the offer and records the referral", async () => {
    const { m, program, referrer } = await setup({ minPurchase: 1000 });
    expect(await referralInvite(m.db, { programId: program.id, code: referrer.referralCode.toLowerCase() })).toEqual({ valid: true, offer: { referrerBonus: 100, refereeBonus: 50, minPurchase: 1000 } });
    expect(await referralInvite(m.db, { programId: program.id, code: "NOPE-NOPE" })).toEqual({ valid: false, offer: null });
    expect(await referralInvite(m.db, { programId: program.id, code: "'; drop table cards; --" })).toEqual({ valid: false, offer: null });
    const joined = await joinFromPublicPage(m.db, { programId: program.id, name: "Friend", email: email(m, "page"), consent: true, referralCode: referrer.referralCode });
    expect(joined.created).toBe(true);
    const card = (joined as { card: { id: string; referredByCardId: string | null } }).card;
    expect(card.referredByCardId).toBe(referrer.id);
    expect(await referralOf(m, card.id)).toMatchObject({ status: "pending", referrerCardId: referrer.id });
  });

  it("ignores an unknown code: the customer joins without a referral", async () => {
    const { m, join } = await setup();
    const newcomer = await join("stranger", {}, "ZZZZ-ZZZZ");
    expect(newcomer.referredByCardId).toBeNull();
    expect(await referralOf(m, newcomer.id)).toBeUndefined();
  });

  it("caps the referrer's credits per calendar month; the newcomer over the cap is still credited", async () => {
    const { m, referrer, join } = await setup({ minPurchase: 0, monthlyCap: 2 });
    const now = new Date();
    const newcomers = [await join("a"), await join("b"), await join("c"), await join("d")];
    for (const c of newcomers.slice(0, 3)) await earn(m.ctx, { cardId: c.id, ...usd(1000) });
    expect(await bonuses(m, referrer.id)).toEqual([100, 100]);
    expect(await referralOf(m, newcomers[2]!.id)).toMatchObject({ status: "credited", referrerPoints: 0, refereePoints: 50, reason: "cap_reached" });
    expect(await bonuses(m, newcomers[2]!.id)).toEqual([50]);

    // Next month the referrer earns again.
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2, 12));
    await earn({ ...m.ctx, now: () => nextMonth }, { cardId: newcomers[3]!.id, ...usd(1000) });
    expect(await bonuses(m, referrer.id)).toEqual([100, 100, 100]);
    expect(await referralOf(m, newcomers[3]!.id)).toMatchObject({ status: "credited", referrerPoints: 100 });
  });

  it("credits both sides exactly once when the first purchases arrive at the same moment", async () => {
    const { m, referrer, join } = await setup({ minPurchase: 0, monthlyCap: 1 });
    const a = await join("a");
    const b = await join("b");
    // Five tills post the newcomers' purchases at once; with a cap of one, only one referral pays the referrer.
    await Promise.all([a, b, a, b, a].map((c, i) => earn(m.ctx, { cardId: c.id, ...usd(1000 + i) })));
    expect(await bonuses(m, a.id)).toEqual([50]);
    expect(await bonuses(m, b.id)).toEqual([50]);
    expect(await bonuses(m, referrer.id)).toEqual([100]);
    const grants = await m.db.select().from(bonusGrants).where(and(eq(bonusGrants.merchantId, m.merchantId), like(bonusGrants.key, "referral:%")));
    expect(grants).toHaveLength(3);
    const rows = await m.db.select().from(referrals).where(eq(referrals.referrerCardId, referrer.id));
    expect(rows.map((r) => r.status)).toEqual(["credited", "credited"]);
    expect(rows.map((r) => r.referrerPoints).sort()).toEqual([0, 100]);
    await expectLedgerConsistent(m.db, { merchantId: m.merchantId });
  });

  it("waits while referrals are switched off, and credits the first qualifying purchase after they are on", async () => {
    const { m, program, referrer, join } = await setup({ minPurchase: 0 });
    await updateAutomations(m.ctx, { programId: program.id, referral: { enabled: false, referrerBonus: 100, refereeBonus: 50, minPurchase: 0, monthlyCap: null } });
    const newcomer = await join();
    await earn(m.ctx, { cardId: newcomer.id, ...usd(1000) });
    expect(await bonuses(m, referrer.id)).toEqual([]);
    expect((await referralOf(m, newcomer.id))!.status).toBe("pending");
    await updateAutomations(m.ctx, { programId: program.id, referral: { enabled: true, referrerBonus: 100, refereeBonus: 50, minPurchase: 0, monthlyCap: null } });
    await earn(m.ctx, { cardId: newcomer.id, ...usd(1000) });
    expect(await bonuses(m, referrer.id)).toEqual([100]);
    expect(await bonuses(m, newcomer.id)).toEqual([50]);
  });

  it("puts the share link and the offer on the back of both passes, in the holder's language and the others", async () => {
    const { m, program, referrer } = await setup({ minPurchase: 1000 });
    const french = (await enroll(m.ctx, { programId: program.id, customer: { email: email(m, "fr"), language: "fr" } })).card;
    const link = `/join/${program.id}?ref=${referrer.referralCode}`;

    const en = passModel((await loadCardView(m.db, { cardId: referrer.id }))!, testAppleConfig());
    const back = en.fields.back.find((f) => f.key === "referral")!;
    expect(referralLink(referrer).endsWith(link)).toBe(true);
    expect(back.value).toBe(`Your friend gets 50 points and you get 100 points after their first purchase of $10.00 or more.\nYour invite link: ${referralLink(referrer)}\nShare your code ${referrer.referralCode}`);

    const frView = (await loadCardView(m.db, { cardId: french.id }))!;
    const fr = passModel(frView, testAppleConfig());
    expect(String(fr.fields.back.find((f) => f.key === "referral")!.value)).toContain("Votre ami reçoit 50 points et vous recevez 100 points après son premier achat d'au moins");
    // The English text is the French pass's translation for a phone in English.
    expect(fr.strings.en.map(([, text]) => text).join("\n")).toContain("Your friend gets 50 points");

    const google = loyaltyObjectFields(frView) as { textModulesData: { id: string; body: string }[]; linksModuleData: { uris: { id: string; uri: string }[] } };
    expect(google.linksModuleData.uris.find((u) => u.id === "referral")!.uri).toBe(referralLink(french));
    expect(google.textModulesData.find((t) => t.id === "referral")!.body).toContain("Votre ami reçoit 50 points");

    // Referrals switched off: the link stays, the offer goes.
    await updateAutomations(m.ctx, { programId: program.id, referral: { enabled: false, referrerBonus: 100, refereeBonus: 50, minPurchase: 1000, monthlyCap: null } });
    const off = passModel((await loadCardView(m.db, { cardId: referrer.id }))!, testAppleConfig());
    expect(String(off.fields.back.find((f) => f.key === "referral")!.value)).not.toContain("Your friend gets");
    expect(String(off.fields.back.find((f) => f.key === "referral")!.value)).toContain(link);
  });
});
