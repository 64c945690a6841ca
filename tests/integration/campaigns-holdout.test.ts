import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sql } from "@/db/client";
import { campaignMembers, campaigns, ledgerEntries, outboxEvents, type Campaign } from "@/db/schema";
import { inHoldout } from "@/lib/campaigns/holdout";
import { campaignResults, meanDifference } from "@/lib/campaigns/results";
import { activateCampaign, announceCampaign, endCampaign } from "@/lib/campaigns/run";
import { cancelCampaign, createCampaign, duplicateCampaign, startCampaignNow, updateCampaign } from "@/lib/campaigns/verbs";
import { earn } from "@/lib/ledger/earn";
import { newId } from "@/lib/ids";
import { makeCard, makeMerchant, makeProgram, makeUser, type TestMerchant } from "../support/fixtures";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (m: TestMerchant, when: Date) => ({ ...m.ctx, now: () => when });
const iso = (ms: number) => new Date(ms).toISOString();

/** `n` active cards of one program, written in two statements (the verbs would take minutes for thousands). */
async function syntheticCards(m: TestMerchant, programId: string, n: number) {
  const tag = m.merchantId.toLowerCase();
  await m.db.execute(sql`
    insert into customers (id, merchant_id, email)
    select 'cus_' || substr(md5(${tag} || i::text), 1, 20), ${m.merchantId}, 'syn' || i || '-' || ${tag} || '@example.test' from generate_series(1, ${n}) i`);
  await m.db.execute(sql`
    insert into cards (id, merchant_id, program_id, customer_id, public_token, wallet_auth_token, referral_code)
    select 'crd_' || substr(md5('card' || ${tag} || i::text), 1, 20), ${m.merchantId}, ${programId}, 'cus_' || substr(md5(${tag} || i::text), 1, 20),
           md5('pub' || ${tag} || i::text), md5('wal' || ${tag} || i::text), upper(substr(md5('ref' || ${tag} || i::text), 1, 10))
    from generate_series(1, ${n}) i`);
}

async function membersOf(m: TestMerchant, campaignId: string) {
  return m.db.select().from(campaignMembers).where(eq(campaignMembers.campaignId, campaignId));
}

const running = () => ({ startsAt: iso(Date.now() - 2 * DAY), endsAt: iso(Date.now() + DAY) });

describe("holdout assignment", () => {
  it("is stable across reruns, about the requested share of thousands of cards, matches its formula, and independent between campaigns", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const N = 3000;
    await syntheticCards(m, program.id, N);
    const base = { programId: program.id, audience: { kind: "everyone" as const }, effect: { kind: "multiplier" as const, factor: 2 }, holdoutPercent: 20, ...running() };
    const a = await createCampaign(m.ctx, { ...base, name: "A" });
    const b = await createCampaign(m.ctx, { ...base, name: "B" });
    await activateCampaign(m.db, a.id, a.scheduleVersion);
    await activateCampaign(m.db, b.id, b.scheduleVersion);

    const first = await membersOf(m, a.id);
    expect(first).toHaveLength(N);
    const held = first.filter((x) => x.holdout);
    // Binomial(3000, 0.2): mean 600, sd ≈ 21.9; ±4 sd.
    expect(held.length).toBeGreaterThan(512);
    expect(held.length).toBeLessThan(688);
    // Stored flags are exactly the keyed hash's answer (the SQL and its TypeScript twin agree).
    expect(first.filter((x) => x.holdout !== inHoldout(a.id, x.cardId, 20))).toEqual([]);

    // A rerun (retry, second runner) changes nothing.
    await m.db.update(campaigns).set({ status: "scheduled" }).where(eq(campaigns.id, a.id));
    await activateCampaign(m.db, a.id, a.scheduleVersion);
    const again = await membersOf(m, a.id);
    expect(new Map(again.map((x) => [x.cardId, x.holdout]))).toEqual(new Map(first.map((x) => [x.cardId, x.holdout])));

    // Independent: held out of both ≈ 0.2 × 0.2 × 3000 = 120 (sd ≈ 10.7), not ≈ 600 (the same draw) nor 0.
    const heldB = new Set((await membersOf(m, b.id)).filter((x) => x.holdout).map((x) => x.cardId));
    expect(heldB.size).toBeGreaterThan(512);
    expect(heldB.size).toBeLessThan(688);
    const both = held.filter((x) => heldB.has(x.cardId)).length;
    expect(both).toBeGreaterThan(75);
    expect(both).toBeLessThan(165);
  });

  it("the same pair always lands on the same side, and the share follows the percentage", () => {
    const ids = Array.from({ length: 4000 }, () => newId("crd"));
    const campaign = newId("cmp");
    for (const percent of [5, 10, 50]) {
      const share = ids.filter((id) => inHoldout(campaign, id, percent)).length / ids.length;
      expect(Math.abs(share - percent / 100)).toBeLessThan(0.03);
    }
    expect(ids.map((id) => inHoldout(campaign, id, 10))).toEqual(ids.map((id) => inHoldout(campaign, id, 10)));
    expect(ids.filter((id) => inHoldout(campaign, id, 0))).toEqual([]);
  });

  it("held-out members get neither the bonus nor the multiplier, and are not announced to", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const cards = await Promise.all(Array.from({ length: 24 }, (_, i) => makeCard(m, program.id, `h${i}-${m.merchantId.toLowerCase()}@example.test`)));
    const gift = await createCampaign(m.ctx, {
      programId: program.id,
      name: "Gift",
      audience: { kind: "everyone" },
      effect: { kind: "bonus", points: 30 },
      holdoutPercent: 50,
      announcement: { subject: "A gift", message: "For you", email: false, wallet: true },
      ...running(),
    });
    await activateCampaign(m.db, gift.id, gift.scheduleVersion);
    const held = new Set((await membersOf(m, gift.id)).filter((x) => x.holdout).map((x) => x.cardId));
    expect(held.size).toBeGreaterThan(0);
    expect(held.size).toBeLessThan(24);
    const bonused = new Set((await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.merchantId, m.merchantId), eq(ledgerEntries.kind, "bonus")))).map((e) => e.cardId));
    expect(bonused.size).toBe(24 - held.size);
    for (const id of held) expect(bonused.has(id)).toBe(false);
    await announceCampaign(m.db, gift.id, "");
    const told = new Set(
      (await m.db.select().from(outboxEvents).where(eq(outboxEvents.merchantId, m.merchantId))).filter((e) => e.type === "wallet.message_requested").map((e) => String(e.payload.cardId)),
    );
    expect(told.size).toBe(24 - held.size);
    for (const id of held) expect(told.has(id)).toBe(false);

    const double = await createCampaign(m.ctx, { programId: program.id, name: "Double", audience: { kind: "everyone" }, effect: { kind: "multiplier", factor: 2 }, holdoutPercent: 50, ...running() });
    await activateCampaign(m.db, double.id, double.scheduleVersion);
    const heldDouble = new Set((await membersOf(m, double.id)).filter((x) => x.holdout).map((x) => x.cardId));
    const heldCard = cards.find((c) => heldDouble.has(c.id))!;
    const treatedCard = cards.find((c) => !heldDouble.has(c.id))!;
    const purchase = { purchase: { amount: 1000, currency: "USD" } };
    expect((await earn(m.ctx, { cardId: heldCard.id, ...purchase })).entry.amount).toBe(10);
    expect((await earn(m.ctx, { cardId: treatedCard.id, ...purchase })).entry.amount).toBe(20);
  });
});

describe("editing campaigns", () => {
  async function setup() {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const marketer = await makeUser(m, "marketer");
    const as = { ...m.ctx, actor: marketer };
    const scheduled = await createCampaign(as, {
      programId: program.id,
      name: "Spring",
      audience: { kind: "everyone" },
      effect: { kind: "bonus", points: 10 },
      budget: 1000,
      startsAt: iso(Date.now() + DAY),
      endsAt: iso(Date.now() + 3 * DAY),
    });
    return { m, program, as, scheduled };
  }
  const scheduledEvents = async (m: TestMerchant, campaignId: string) =>
    (await m.db.select().from(outboxEvents).where(eq(outboxEvents.merchantId, m.merchantId))).filter((e) => e.type === "campaign.scheduled" && e.payload.campaignId === campaignId);

  it("before the start anything but the program changes; new times reschedule the run", async () => {
    const { m, as, scheduled } = await setup();
    const edited = await updateCampaign(as, { campaignId: scheduled.id, name: "Spring gift", effect: { kind: "bonus", points: 25 }, audience: { kind: "inactive", days: 30 }, holdoutPercent: 10 });
    expect(edited).toMatchObject({ name: "Spring gift", effect: { kind: "bonus", points: 25 }, audience: { kind: "inactive", days: 30 }, holdoutPercent: 10, scheduleVersion: scheduled.scheduleVersion });
    const moved = await updateCampaign(as, { campaignId: scheduled.id, startsAt: iso(Date.now() + 2 * DAY), endsAt: iso(Date.now() + 4 * DAY) });
    expect(moved.scheduleVersion).toBe(scheduled.scheduleVersion + 1);
    // One campaign.scheduled per schedule (rows come back in no particular order).
    const versions = (await scheduledEvents(m, scheduled.id)).map((e) => Number(e.payload.scheduleVersion)).sort((a, b) => a - b);
    expect(versions).toEqual([scheduled.scheduleVersion, moved.scheduleVersion]);
    // The run for the old times stands down.
    expect(await activateCampaign(m.db, scheduled.id, scheduled.scheduleVersion)).toEqual({ ok: false, reason: "rescheduled" });
    await expect(updateCampaign(as, { campaignId: scheduled.id, startsAt: iso(Date.now() - HOUR) })).rejects.toMatchObject({ code: "invalid" });
    await expect(updateCampaign(as, { campaignId: scheduled.id, endsAt: iso(Date.now() + 1.5 * DAY) })).rejects.toThrow(/after the start/);
    await expect(updateCampaign(as, { campaignId: scheduled.id, holdoutPercent: 80 })).rejects.toMatchObject({ name: "ZodError" });
  });

  it("while it runs its past is fixed: only the name, a future end and the budget change", async () => {
    const { m, program, as } = await setup();
    const live = await createCampaign(as, { programId: program.id, name: "Live", audience: { kind: "everyone" }, effect: { kind: "bonus", points: 10 }, budget: 500, ...running() });
    const card = await makeCard(m, program.id);
    await activateCampaign(m.db, live.id, live.scheduleVersion);
    const refusals = [
      { startsAt: iso(Date.now() - DAY) },
      { audience: { kind: "tier" as const, tier: "Gold" } },
      { effect: { kind: "bonus" as const, points: 99 } },
      { holdoutPercent: 10 },
      { announcement: { subject: "Late", message: "news", email: true, wallet: true } },
    ];
    for (const patch of refusals) await expect(updateCampaign(as, { campaignId: live.id, ...patch }), JSON.stringify(patch)).rejects.toMatchObject({ code: "conflict" });
    await expect(updateCampaign(as, { campaignId: live.id, endsAt: iso(Date.now() - HOUR) })).rejects.toMatchObject({ code: "invalid" });
    await expect(updateCampaign(as, { campaignId: live.id, budget: 5 })).rejects.toThrow(/below what the campaign has already given/);
    expect((await m.db.select().from(ledgerEntries).where(eq(ledgerEntries.cardId, card.id))).map((e) => e.amount)).toEqual([10]);

    const extended = await updateCampaign(as, { campaignId: live.id, name: "Live, longer", endsAt: iso(Date.now() + 5 * DAY), budget: 800 });
    expect(extended).toMatchObject({ status: "active", name: "Live, longer", budget: 800, scheduleVersion: live.scheduleVersion + 1 });
    // The old run's end is now a no-op; the new run ends it at the new time.
    expect(await endCampaign(m.db, live.id, live.scheduleVersion)).toEqual({ ended: false });
    // The new run re-enters a running campaign without paying twice.
    expect(await activateCampaign(m.db, live.id, extended.scheduleVersion)).toMatchObject({ ok: true, bonusCards: 0 });
    expect(await endCampaign(m.db, live.id, extended.scheduleVersion)).toEqual({ ended: true });
    await expect(updateCampaign(as, { campaignId: live.id, name: "After" })).rejects.toMatchObject({ code: "conflict" });
  });

  it("a cancelled campaign cannot be edited; any campaign can be duplicated into a draft and scheduled", async () => {
    const { m, as, scheduled } = await setup();
    const cancelled = await cancelCampaign(as, { campaignId: scheduled.id });
    expect(cancelled.status).toBe("cancelled");
    await expect(updateCampaign(as, { campaignId: scheduled.id, name: "x" })).rejects.toMatchObject({ code: "conflict" });
    const copy = await duplicateCampaign(as, { campaignId: scheduled.id });
    expect(copy).toMatchObject({ status: "draft", name: "Spring (copy)", effect: scheduled.effect, audience: scheduled.audience, budget: 1000, holdoutPercent: 0 });
    expect(copy.id).not.toBe(scheduled.id);
    expect(copy.startsAt.getTime()).toBe(scheduled.startsAt.getTime());
    const go = await updateCampaign(as, { campaignId: copy.id, schedule: true });
    expect(go.status).toBe("scheduled");
    expect((await scheduledEvents(m, copy.id)).length).toBe(1);

    // A campaign from the past is copied to the future, keeping its length.
    const past = await createCampaign(as, { programId: copy.programId, name: "Past", audience: { kind: "everyone" }, effect: { kind: "bonus", points: 1 }, ...running() });
    const t = Date.now(); // one clock read: two could straddle a millisecond and make the length 2 days + 1 ms
    await m.db.update(campaigns).set({ startsAt: new Date(t - 10 * DAY), endsAt: new Date(t - 8 * DAY), status: "ended" }).where(eq(campaigns.id, past.id));
    const again = await duplicateCampaign(as, { campaignId: past.id, name: "Past, again" });
    expect(again.name).toBe("Past, again");
    expect(again.startsAt.getTime()).toBeGreaterThan(Date.now());
    expect(again.endsAt.getTime() - again.startsAt.getTime()).toBe(2 * DAY);
    // Staff may do none of it.
    const staff = await makeUser(m, "staff");
    await expect(duplicateCampaign({ ...m.ctx, actor: staff }, { campaignId: past.id })).rejects.toMatchObject({ code: "forbidden" });
    await expect(updateCampaign({ ...m.ctx, actor: staff }, { campaignId: go.id, name: "x" })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("starting a campaign now", () => {
  it("moves the start to now, draws the audience and holdout, pays the bonus once, and leaves the run to announce and end it", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    await Promise.all(Array.from({ length: 10 }, (_, i) => makeCard(m, program.id, `s${i}-${m.merchantId.toLowerCase()}@example.test`)));
    const marketer = await makeUser(m, "marketer");
    const as = { ...m.ctx, actor: marketer };
    const draft = await createCampaign(as, { programId: program.id, name: "Now", audience: { kind: "everyone" }, effect: { kind: "bonus", points: 7 }, holdoutPercent: 30, startsAt: iso(Date.now() + DAY), endsAt: iso(Date.now() + 2 * DAY), schedule: false });
    const started = await startCampaignNow(as, { campaignId: draft.id });
    expect(started.status).toBe("active");
    expect(started.startsAt.getTime()).toBeLessThanOrEqual(Date.now());
    const members = await membersOf(m, draft.id);
    expect(members).toHaveLength(10);
    const treated = members.filter((x) => !x.holdout).length;
    const bonuses = await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.merchantId, m.merchantId), eq(ledgerEntries.kind, "bonus")));
    expect(bonuses).toHaveLength(treated);
    // The run for the new schedule finds it running and pays nothing more.
    expect(await activateCampaign(m.db, draft.id, started.scheduleVersion)).toMatchObject({ ok: true, bonusCards: 0 });
    await expect(startCampaignNow(as, { campaignId: draft.id })).rejects.toMatchObject({ code: "conflict" });
  });
});

describe("results against the holdout", () => {
  it("the 95 % interval follows the Welch formula on a worked example", () => {
    // Treated 1,2,3,4: mean 2.5, s² 5/3. Holdout 0,1: mean 0.5, s² 0.5.
    // SE = √(5/3/4 + 0.5/2) = √(2/3) ≈ 0.8165; 1.959964 × SE ≈ 1.6003.
    const r = meanDifference({ n: 4, sum: 10, sumSq: 30 }, { n: 2, sum: 1, sumSq: 1 });
    expect(r.difference).toBeCloseTo(2, 10);
    expect(r.low!).toBeCloseTo(2 - 1.959964 * Math.sqrt(2 / 3), 6);
    expect(r.high!).toBeCloseTo(2 + 1.959964 * Math.sqrt(2 / 3), 6);
    expect(meanDifference({ n: 1, sum: 3, sumSq: 9 }, { n: 5, sum: 5, sumSq: 5 })).toMatchObject({ difference: 2, low: null, high: null });
  });

  it("visits, spend, points and cost per member for treated and holdout, with the difference and its interval, on a known history", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const cards = await Promise.all(Array.from({ length: 30 }, (_, i) => makeCard(m, program.id, `r${i}-${m.merchantId.toLowerCase()}@example.test`)));
    const window = running();
    const campaign: Campaign = await createCampaign(m.ctx, { programId: program.id, name: "Double", audience: { kind: "everyone" }, effect: { kind: "multiplier", factor: 2 }, holdoutPercent: 40, ...window });
    const start = new Date(window.startsAt).getTime();
    await activateCampaign(m.db, campaign.id, campaign.scheduleVersion, new Date(start + HOUR));
    const held = new Set((await membersOf(m, campaign.id)).filter((x) => x.holdout).map((x) => x.cardId));
    expect(held.size).toBeGreaterThan(1);
    expect(held.size).toBeLessThan(29);

    // The history: treated card k visits 1 + k mod 3 times, held-out card k visits k mod 2 times,
    // every visit a $10 purchase (10 points at the base rate, 20 under the campaign). A visit before
    // the start does not count.
    const expected = { treated: { visits: [] as number[], spend: [] as number[], points: [] as number[], cost: [] as number[] }, holdout: { visits: [] as number[], spend: [] as number[], points: [] as number[], cost: [] as number[] } };
    for (const [k, card] of cards.entries()) {
      const isHeld = held.has(card.id);
      await earn(at(m, new Date(start - HOUR)), { cardId: card.id, purchase: { amount: 1000, currency: "USD" } });
      const visits = isHeld ? k % 2 : 1 + (k % 3);
      for (let v = 0; v < visits; v++) await earn(at(m, new Date(start + 2 * HOUR + v * HOUR)), { cardId: card.id, purchase: { amount: 1000, currency: "USD" } });
      const g = isHeld ? expected.holdout : expected.treated;
      g.visits.push(visits);
      g.spend.push(visits * 1000);
      g.points.push(visits * (isHeld ? 10 : 20));
      g.cost.push(isHeld ? 0 : visits * 10);
    }

    const results = await campaignResults(m.ctx, campaign.id);
    const comparison = results.comparison!;
    expect(comparison).toMatchObject({ holdoutPercent: 40, treatedMembers: 30 - held.size, holdoutMembers: held.size, currency: "USD" });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = (xs: number[]) => xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1);
    for (const key of ["visits", "spend", "points", "cost"] as const) {
      const metric = comparison.metrics.find((x) => x.key === key)!;
      const t = expected.treated[key];
      const h = expected.holdout[key];
      const diff = mean(t) - mean(h);
      const se = Math.sqrt(variance(t) / t.length + variance(h) / h.length);
      expect(metric.treated, key).toBeCloseTo(mean(t), 6);
      expect(metric.holdout, key).toBeCloseTo(mean(h), 6);
      expect(metric.difference, key).toBeCloseTo(diff, 6);
      expect(metric.low!, key).toBeCloseTo(diff - 1.959964 * se, 4);
      expect(metric.high!, key).toBeCloseTo(diff + 1.959964 * se, 4);
    }
    // Treated members visit about twice as often here: the interval for visits lies above zero.
    expect(comparison.metrics.find((x) => x.key === "visits")!.low!).toBeGreaterThan(0);
    // The daily picture ends at the same per-member visits.
    expect(comparison.daily.at(-1)!.treated).toBeCloseTo(mean(expected.treated.visits), 6);
    expect(comparison.daily.at(-1)!.holdout).toBeCloseTo(mean(expected.holdout.visits), 6);
    // Without a holdout there is nothing to compare.
    const plain = await createCampaign(m.ctx, { programId: program.id, name: "Plain", audience: { kind: "everyone" }, effect: { kind: "multiplier", factor: 1.5 }, ...running() });
    await activateCampaign(m.db, plain.id, plain.scheduleVersion);
    expect((await campaignResults(m.ctx, plain.id)).comparison).toBeNull();
  });
});
