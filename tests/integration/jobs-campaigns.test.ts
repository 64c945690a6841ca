import { InngestTestEngine, mockCtx } from "@inngest/test";
import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { campaigns, emails, ledgerEntries, outboxEvents, type Campaign } from "@/db/schema";
import { activateCampaign } from "@/lib/campaigns/run";
import { campaignResults } from "@/lib/campaigns/results";
import { cancelCampaign, createCampaign, scheduleCampaign } from "@/lib/campaigns/verbs";
import { importTags } from "@/lib/segments/tags";
import { createSegment } from "@/lib/segments/verbs";
import { enroll } from "@/lib/cards/enroll";
import { campaignLifecycle } from "@/jobs/campaign-lifecycle";
import { earn } from "@/lib/ledger/earn";
import { makeCard, makeMerchant, makeProgram, makeUser, type TestMerchant } from "../support/fixtures";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Runs the campaign's function to the end; `onSleep` runs once while the run "sleeps" at that step. */
async function runLifecycle(m: TestMerchant, campaign: Campaign, onSleep: Partial<Record<"wait-for-start" | "wait-for-end", () => Promise<void>>> = {}) {
  const slept = new Set<string>();
  const engine = new InngestTestEngine({
    function: campaignLifecycle,
    events: [
      {
        name: "campaign.scheduled",
        data: { merchantId: m.merchantId, campaignId: campaign.id, scheduleVersion: campaign.scheduleVersion, startsAt: campaign.startsAt.toISOString(), endsAt: campaign.endsAt.toISOString() },
      },
    ],
    transformCtx: (raw) => {
      const ctx = mockCtx(raw);
      const sleepUntil = vi.fn(async (id: string) => {
        if (slept.has(id)) return;
        slept.add(id);
        await onSleep[id as keyof typeof onSleep]?.();
      });
      return { ...ctx, step: { ...ctx.step, sleepUntil } } as typeof ctx;
    },
  });
  const { result, error } = await engine.execute();
  expect(error).toBeUndefined();
  return result as Record<string, unknown>;
}

const at = (m: TestMerchant, when: Date) => ({ ...m.ctx, now: () => when });
const purchase = { purchase: { amount: 1250, currency: "USD" } }; // 12 points at the base rate

async function walletMessages(m: TestMerchant) {
  return (await m.db.select().from(outboxEvents).where(eq(outboxEvents.merchantId, m.merchantId))).filter((e) => e.type === "wallet.message_requested");
}

describe("campaigns", () => {
  it("multiplies earns inside the window only, announces once, and reports its results", async () => {
    const m = await makeMerchant({ timezone: "Europe/Paris" });
    const program = await makeProgram(m);
    const fan = (await enroll(m.ctx, { programId: program.id, customer: { email: `fan-${m.merchantId.toLowerCase()}@example.test`, name: "Fan" }, marketingConsent: true })).card;
    const quiet = await makeCard(m, program.id);
    const startsAt = new Date(Date.now() + DAY);
    const endsAt = new Date(Date.now() + 3 * DAY);
    const marketer = await makeUser(m, "marketer");
    const campaign = await createCampaign({ ...m.ctx, actor: marketer }, {
      programId: program.id,
      name: "Triple week",
      audience: { kind: "everyone" },
      effect: { kind: "multiplier", factor: 3 },
      announcement: { subject: "Triple points all week", message: "Come by!", email: true, wallet: true },
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
    });
    expect(campaign.status).toBe("scheduled");

    const early = await earn(at(m, new Date(startsAt.getTime() - HOUR)), { cardId: fan.id, ...purchase });
    let inside = 0;
    const result = await runLifecycle(m, campaign, {
      "wait-for-end": async () => {
        inside = (await earn(at(m, new Date(startsAt.getTime() + HOUR)), { cardId: fan.id, ...purchase })).entry.amount;
      },
    });
    const late = await earn(at(m, new Date(endsAt.getTime() + HOUR)), { cardId: fan.id, ...purchase });

    expect(early.entry.amount).toBe(12);
    expect(inside).toBe(37); // $12.50 × 3 = 37.5, rounded down like every earn
    expect(late.entry.amount).toBe(12);
    expect(result).toMatchObject({ announced: 2, ended: true });
    const [stored] = await m.db.select().from(campaigns).where(eq(campaigns.id, campaign.id));
    expect(stored!.status).toBe("ended");

    // One email, to the customer who accepted marketing; a wallet message for each card.
    const sent = await m.db.select().from(emails).where(and(eq(emails.merchantId, m.merchantId), eq(emails.kind, "campaign")));
    expect(sent.map((e) => e.to)).toEqual([`fan-${m.merchantId.toLowerCase()}@example.test`]);
    expect(sent[0]!.text).toContain("Earn 3× points until");
    expect((await walletMessages(m)).map((e) => e.payload.cardId).sort()).toEqual([fan.id, quiet.id].sort());

    const results = await campaignResults(m.ctx, campaign.id);
    expect(results).toMatchObject({ participants: 1, pointsIssued: 37, bonusPoints: 0 });

    // Webhooks hear the start and the end once each (`everyone` without a holdout is never drawn).
    const lifecycle = await m.db
      .select()
      .from(outboxEvents)
      .where(and(eq(outboxEvents.merchantId, m.merchantId), inArray(outboxEvents.type, ["campaign.started", "campaign.ended"])));
    expect(lifecycle.map((e) => [e.type, e.payload]).sort((a, b) => (a[0]! < b[0]! ? 1 : -1))).toEqual([
      ["campaign.started", { campaignId: campaign.id, programId: program.id, name: "Triple week", members: null }],
      ["campaign.ended", { campaignId: campaign.id, programId: program.id, name: "Triple week", spent: expect.any(Number) }],
    ]);
  });

  it("does nothing and announces nothing when cancelled before the start", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = (await enroll(m.ctx, { programId: program.id, customer: { email: `c-${m.merchantId.toLowerCase()}@example.test` }, marketingConsent: true })).card;
    const startsAt = new Date(Date.now() + DAY);
    const endsAt = new Date(Date.now() + 2 * DAY);
    const announcement = { subject: "Big news", message: "Soon", email: true, wallet: true };
    const base = { programId: program.id, audience: { kind: "everyone" as const }, announcement, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() };
    const triple = await createCampaign(m.ctx, { ...base, name: "Triple", effect: { kind: "multiplier", factor: 3 } });
    const gift = await createCampaign(m.ctx, { ...base, name: "Gift", effect: { kind: "bonus", points: 50 } });
    await cancelCampaign(m.ctx, { campaignId: triple.id });
    await cancelCampaign(m.ctx, { campaignId: gift.id });

    expect(await runLifecycle(m, triple)).toMatchObject({ skipped: "cancelled" });
    expect(await runLifecycle(m, gift)).toMatchObject({ skipped: "cancelled" });
    const inside = await earn(at(m, new Date(startsAt.getTime() + HOUR)), { cardId: card.id, ...purchase });
    expect(inside.entry.amount).toBe(12);
    expect(await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.cardId, card.id), eq(ledgerEntries.kind, "bonus")))).toHaveLength(0);
    expect(await m.db.select().from(emails).where(eq(emails.merchantId, m.merchantId))).toHaveLength(0);
    expect(await walletMessages(m)).toHaveLength(0);
    // Inngest hears of the cancel through the outbox and stops the sleeping runs (cancelOn).
    const cancels = (await m.db.select().from(outboxEvents).where(eq(outboxEvents.merchantId, m.merchantId))).filter((e) => e.type === "campaign.cancelled");
    expect(cancels.map((e) => e.payload.campaignId).sort()).toEqual([triple.id, gift.id].sort());
  });

  it("pays a one-off bonus to a saved segment once, even when activation runs twice", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const mail = (n: string) => `${n}-${m.merchantId.toLowerCase()}@example.test`;
    const [a, b, outsider] = [await makeCard(m, program.id, mail("a")), await makeCard(m, program.id, mail("b")), await makeCard(m, program.id, mail("c"))];
    await importTags(m.ctx, { csv: `email,tags\n${mail("a")},vip\n${mail("b")},vip;regular\n` });
    const segment = await createSegment(m.ctx, { name: "VIP", definition: { match: "all", conditions: [{ field: "tags", op: "any", tags: ["vip"] }] } });
    const campaign = await createCampaign(m.ctx, {
      programId: program.id,
      name: "VIP gift",
      audience: { kind: "segment", segmentId: segment.id },
      effect: { kind: "bonus", points: 25 },
      startsAt: new Date(Date.now() - HOUR).toISOString(),
      endsAt: new Date(Date.now() + DAY).toISOString(),
    });
    expect(await activateCampaign(m.db, campaign.id, campaign.scheduleVersion)).toMatchObject({ ok: true, bonusCards: 2, bonusPoints: 50 });
    expect(await activateCampaign(m.db, campaign.id, campaign.scheduleVersion)).toMatchObject({ ok: true, bonusCards: 0 });
    const bonuses = await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.merchantId, m.merchantId), eq(ledgerEntries.kind, "bonus")));
    expect(bonuses.map((e) => [e.cardId, e.amount, e.balanceAfter]).sort()).toEqual([[a.id, 25, 25], [b.id, 25, 25]].sort());
    expect(bonuses.some((e) => e.cardId === outsider.id)).toBe(false);
    expect((await campaignResults(m.ctx, campaign.id)).bonusPoints).toBe(50);
    // Started once, with the two members drawn, though activation ran twice.
    const started = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "campaign.started")));
    expect(started.map((e) => e.payload.members)).toEqual([2]);
  });

  it("doubles stamps on a stamp program, and a rescheduled campaign's old run does nothing", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { kind: "stamps", stampsRequired: 10 });
    const card = await makeCard(m, program.id);
    const campaign = await createCampaign(m.ctx, {
      programId: program.id,
      name: "Double stamps",
      audience: { kind: "everyone" },
      effect: { kind: "double_stamps" },
      startsAt: new Date(Date.now() + DAY).toISOString(),
      endsAt: new Date(Date.now() + 2 * DAY).toISOString(),
    });
    const moved = await scheduleCampaign(m.ctx, { campaignId: campaign.id, startsAt: new Date(Date.now() + 2 * DAY).toISOString(), endsAt: new Date(Date.now() + 4 * DAY).toISOString() });
    expect(await runLifecycle(m, campaign)).toMatchObject({ skipped: "rescheduled" });
    let stamps = 0;
    await runLifecycle(m, moved, {
      "wait-for-end": async () => {
        stamps = (await earn(at(m, new Date(moved.startsAt.getTime() + HOUR)), { cardId: card.id, stamps: 1 })).entry.amount;
      },
    });
    expect(stamps).toBe(2);
  });

  it("takes start and end in the merchant's time zone", async () => {
    const m = await makeMerchant({ timezone: "America/New_York" });
    const program = await makeProgram(m);
    const draft = await createCampaign(m.ctx, {
      programId: program.id,
      name: "Winter",
      audience: { kind: "everyone" },
      effect: { kind: "multiplier", factor: 2 },
      startsAt: "2030-01-10T09:00",
      endsAt: "2030-01-12T21:30",
      schedule: false,
    });
    expect(draft.status).toBe("draft");
    expect(draft.startsAt.toISOString()).toBe("2030-01-10T14:00:00.000Z");
    expect(draft.endsAt.toISOString()).toBe("2030-01-13T02:30:00.000Z");
    const staff = await makeUser(m, "staff");
    await expect(cancelCampaign({ ...m.ctx, actor: staff }, { campaignId: draft.id })).rejects.toMatchObject({ code: "forbidden" });
  });
});
