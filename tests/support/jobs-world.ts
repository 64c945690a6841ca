import type { Program } from "@/db/schema";
import { createCampaign } from "@/lib/campaigns/verbs";
import { configurePayouts, requestPayoutRun } from "@/lib/payouts/runs";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { planDeliveries } from "@/lib/webhooks/deliver";
import { makeProgram, type TestMerchant } from "./fixtures";

const HOUR = 3_600_000;

/** What the campaign, payout and webhook actions need in a business: a campaign, a cashback program with a manual run, an endpoint with one delivery. */
export async function makeJobsWorld(m: TestMerchant, program: Program) {
  const campaign = await createCampaign(m.ctx, {
    programId: program.id,
    name: "Happy hour",
    audience: { kind: "everyone" },
    effect: { kind: "multiplier", factor: 2 },
    startsAt: new Date(Date.now() + 24 * HOUR).toISOString(),
    endsAt: new Date(Date.now() + 48 * HOUR).toISOString(),
  });
  const cashback = await makeProgram(m, { name: "Cash back", kind: "cashback", cashbackPercent: 5 });
  await configurePayouts(m.ctx, { programId: cashback.id, provider: "manual", thresholdMinor: 500 });
  const { run } = await requestPayoutRun(m.ctx, { programId: cashback.id });
  const endpoint = await createEndpoint(m.ctx, { url: "https://example.test/hooks", events: ["card.enrolled"] });
  const [deliveryId] = await planDeliveries(m.db, { id: `evt_${crypto.randomUUID().slice(0, 20)}`, type: "card.enrolled", merchantId: m.merchantId, payload: { cardId: "crd_x" } });
  return { campaign, cashback, runId: run.id, endpoint, deliveryId: deliveryId! };
}

/** A campaign input a week ahead, as the dashboard form sends it. */
export function campaignInput(programId: string, name = "Double points week") {
  return {
    programId,
    name,
    audience: { kind: "everyone" as const },
    effect: { kind: "multiplier" as const, factor: 2 },
    announcement: { subject: "Double points", message: "All week long.", email: true, wallet: true },
    startsAt: new Date(Date.now() + 7 * 24 * HOUR).toISOString(),
    endsAt: new Date(Date.now() + 8 * 24 * HOUR).toISOString(),
  };
}
