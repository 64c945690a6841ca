import "./dashboard-helpers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cancelCampaignAction, createCampaignAction } from "@/app/dashboard/campaigns/actions";
import { configurePayoutsAction, markPaidAction, payNowAction } from "@/app/dashboard/payouts/actions";
import { createEndpointAction, replayDeliveryAction, setEndpointActiveAction } from "@/app/dashboard/webhooks/actions";
import { campaigns, outboxEvents, payoutRuns, payouts, payoutSettings, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { earn } from "@/lib/ledger/earn";
import { finishPayoutRun, preparePayoutRun } from "@/lib/payouts/runs";
import { makeCard, makeMerchant, makeProgram, makeUser } from "../support/fixtures";
import { campaignInput, makeJobsWorld } from "../support/jobs-world";
import { actAs } from "./dashboard-helpers";

async function world() {
  const m = await makeMerchant({ timezone: "Europe/Paris" });
  const program = await makeProgram(m);
  const jobs = await makeJobsWorld(m, program);
  const users = {
    owner: await makeUser(m, "owner"),
    admin: await makeUser(m, "admin"),
    marketer: await makeUser(m, "marketer"),
    staff: await makeUser(m, "staff"),
    partner: await makeUser(m, "partner"),
  };
  return { m, program, users, ...jobs };
}

const eventsOfType = async (db: Awaited<ReturnType<typeof world>>["m"]["db"], merchantId: string, type: string) =>
  (await db.select().from(outboxEvents).where(eq(outboxEvents.merchantId, merchantId))).filter((e) => e.type === type);

describe("campaign actions", () => {
  it("a marketer schedules a campaign in the merchant's time zone; staff and partners may not", async () => {
    const w = await world();
    await actAs(w.m.db, w.users.marketer, w.m.merchantId);
    const input = { ...campaignInput(w.program.id, "Summer weekend"), startsAt: "2031-06-07T09:00", endsAt: "2031-06-08T18:00" };
    const r = await createCampaignAction(input);
    expect(r).toMatchObject({ ok: true, data: { status: "scheduled" } });
    const [row] = await w.m.db.select().from(campaigns).where(eq(campaigns.id, r.ok ? r.data.id : ""));
    // 09:00 in Paris in June is 07:00 UTC.
    expect(row!.startsAt.toISOString()).toBe("2031-06-07T07:00:00.000Z");
    expect(row!.announcement).toMatchObject({ subject: "Double points", email: true, wallet: true });
    expect((await eventsOfType(w.m.db, w.m.merchantId, "campaign.scheduled")).some((e) => e.payload.campaignId === row!.id)).toBe(true);

    for (const role of ["staff", "partner"] as const) {
      await actAs(w.m.db, w.users[role], w.m.merchantId);
      expect(await createCampaignAction(campaignInput(w.program.id, `By ${role}`)), role).toMatchObject({ ok: false, code: "forbidden" });
    }
    expect(await w.m.db.select().from(campaigns).where(eq(campaigns.merchantId, w.m.merchantId))).toHaveLength(2);
  });

  it("an end before the start comes back as a field error", async () => {
    const w = await world();
    await actAs(w.m.db, w.users.marketer, w.m.merchantId);
    const r = await createCampaignAction({ ...campaignInput(w.program.id), startsAt: "2031-06-08T09:00", endsAt: "2031-06-07T09:00" });
    expect(r).toMatchObject({ ok: false, code: "invalid", fieldErrors: { endsAt: "must be after the start" } });
  });

  it("a marketer cancels a scheduled campaign; a partner may not", async () => {
    const w = await world();
    await actAs(w.m.db, w.users.partner, w.m.merchantId);
    expect(await cancelCampaignAction({ campaignId: w.campaign.id })).toMatchObject({ ok: false, code: "forbidden" });
    await actAs(w.m.db, w.users.marketer, w.m.merchantId);
    expect(await cancelCampaignAction({ campaignId: w.campaign.id })).toMatchObject({ ok: true, data: { status: "cancelled" } });
    expect((await eventsOfType(w.m.db, w.m.merchantId, "campaign.cancelled")).map((e) => e.payload.campaignId)).toEqual([w.campaign.id]);
  });
});

describe("payout actions", () => {
  it("an owner sets up payouts and pays now; a marketer may do neither", async () => {
    const w = await world();
    const card = await makeCard(w.m, w.cashback.id);
    await earn(w.m.ctx, { cardId: card.id, purchase: { amount: 20_000, currency: "USD" } });

    await actAs(w.m.db, w.users.marketer, w.m.merchantId);
    expect(await configurePayoutsAction({ programId: w.cashback.id, provider: "manual", thresholdMinor: 100 })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await payNowAction({ programId: w.cashback.id })).toMatchObject({ ok: false, code: "forbidden" });

    await actAs(w.m.db, w.users.admin, w.m.merchantId);
    expect(await configurePayoutsAction({ programId: w.cashback.id, provider: "manual", thresholdMinor: 100, schedule: "weekly" })).toMatchObject({ ok: true });
    const [settings] = await w.m.db.select().from(payoutSettings).where(eq(payoutSettings.programId, w.cashback.id));
    expect(settings).toMatchObject({ thresholdMinor: 100, schedule: "weekly" });
    // Payouts are for cashback programs only.
    expect(await configurePayoutsAction({ programId: w.program.id, provider: "manual", thresholdMinor: 100 })).toMatchObject({ ok: false, code: "invalid" });

    const r = await payNowAction({ programId: w.cashback.id });
    expect(r).toMatchObject({ ok: true });
    const runId = r.ok ? r.data.runId : "";
    expect((await eventsOfType(w.m.db, w.m.merchantId, "payout_run.requested")).some((e) => e.payload.runId === runId)).toBe(true);
    const prepared = await preparePayoutRun(w.m.db, runId);
    expect(prepared.selected).toBe(1);
  });

  it("an owner marks a manual run paid and the run completes; a marketer may not", async () => {
    const w = await world();
    const card = await makeCard(w.m, w.cashback.id);
    await earn(w.m.ctx, { cardId: card.id, purchase: { amount: 20_000, currency: "USD" } });
    const prepared = await preparePayoutRun(w.m.db, w.runId);
    await finishPayoutRun(w.m.db, w.runId, prepared);

    await actAs(w.m.db, w.users.marketer, w.m.merchantId);
    expect(await markPaidAction({ runId: w.runId })).toMatchObject({ ok: false, code: "forbidden" });
    await actAs(w.m.db, w.users.owner, w.m.merchantId);
    expect(await markPaidAction({ runId: w.runId })).toMatchObject({ ok: true, data: { marked: 1 } });
    const [run] = await w.m.db.select().from(payoutRuns).where(eq(payoutRuns.id, w.runId));
    expect(run!.status).toBe("completed");
    expect((await w.m.db.select().from(payouts).where(eq(payouts.runId, w.runId))).map((p) => p.status)).toEqual(["paid"]);
  });
});

describe("webhook actions", () => {
  it("an admin adds an endpoint and gets its secret once; a marketer may not", async () => {
    const w = await world();
    await actAs(w.m.db, w.users.marketer, w.m.merchantId);
    expect(await createEndpointAction({ url: "https://shop.example.test/kc", events: ["card.enrolled"] })).toMatchObject({ ok: false, code: "forbidden" });

    await actAs(w.m.db, w.users.admin, w.m.merchantId);
    const r = await createEndpointAction({ url: "https://shop.example.test/kc", events: ["card.enrolled", "voucher.redeemed"] });
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    expect(r.data.secret).toMatch(/^whsec_/);
    const [endpoint] = await w.m.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, r.data.id));
    expect(endpoint!.events).toEqual(["card.enrolled", "voucher.redeemed"]);
    expect(await createEndpointAction({ url: "ftp://nope", events: [] })).toMatchObject({ ok: false, code: "invalid" });
  });

  it("an owner pauses an endpoint and replays a delivery; a marketer may not", async () => {
    const w = await world();
    await w.m.db.update(webhookDeliveries).set({ status: "failed", attempts: 5 }).where(eq(webhookDeliveries.id, w.deliveryId));

    await actAs(w.m.db, w.users.marketer, w.m.merchantId);
    expect(await setEndpointActiveAction({ endpointId: w.endpoint.id, active: false })).toMatchObject({ ok: false, code: "forbidden" });
    expect(await replayDeliveryAction({ deliveryId: w.deliveryId })).toMatchObject({ ok: false, code: "forbidden" });

    await actAs(w.m.db, w.users.owner, w.m.merchantId);
    expect(await setEndpointActiveAction({ endpointId: w.endpoint.id, active: false })).toMatchObject({ ok: true, data: { active: false } });
    expect(await replayDeliveryAction({ deliveryId: w.deliveryId })).toMatchObject({ ok: true, data: { status: "pending" } });
    expect((await eventsOfType(w.m.db, w.m.merchantId, "webhook_delivery.requested")).map((e) => e.payload.deliveryId)).toEqual([w.deliveryId]);
  });

  it("another business's owner cannot replay or pause this business's webhooks", async () => {
    const w = await world();
    const other = await makeMerchant();
    const outsider = await makeUser(other, "owner");
    await actAs(w.m.db, outsider, other.merchantId);
    expect(await replayDeliveryAction({ deliveryId: w.deliveryId })).toMatchObject({ ok: false, code: "not_found" });
    expect(await setEndpointActiveAction({ endpointId: w.endpoint.id, active: false })).toMatchObject({ ok: false, code: "not_found" });
    expect(await cancelCampaignAction({ campaignId: w.campaign.id })).toMatchObject({ ok: false, code: "not_found" });
    expect(await markPaidAction({ runId: w.runId })).toMatchObject({ ok: false, code: "not_found" });
  });
});
