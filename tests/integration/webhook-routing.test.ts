import { afterAll, describe, expect, it, vi } from "vitest";

const fake = await vi.hoisted(async () => {
  const { useInngestFake } = await import("../support/inngest-fake");
  return useInngestFake();
});

import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { settleDispatch } from "@/lib/events/after-commit";
import { createEndpoint, setEndpointActive } from "@/lib/webhooks/endpoints";
import { WEBHOOK_TRIGGER_IF, webhookFanout } from "@/jobs/webhook-fanout";
import { matches } from "../../bench/support/inngest-executor";
import { call, makeCard, makeMerchant, makeProgram, type TestMerchant } from "../support/fixtures";

afterAll(() => fake.close());

/** Earns once through the API and returns the balance event Inngest received for it. */
async function balanceEvent(m: TestMerchant, cardId: string) {
  const res = await call(earnRoute, { key: m.apiKey, params: { id: cardId }, body: { points: 3 } });
  expect(res.status).toBe(201);
  await settleDispatch();
  const sent = fake.received.filter((e) => e.name === "card.balance_changed" && e.data.entryId === res.body.entry.id);
  expect(sent).toHaveLength(1);
  return sent[0]!;
}

describe("webhook fan-out only for businesses with an endpoint that takes the event", () => {
  it("flags each dispatched event with whether an active endpoint of its business subscribes to it", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    expect((await balanceEvent(m, card.id)).data.webhooks).toBe(false);

    const other = await createEndpoint(m.ctx, { url: "https://hooks.example.test/vouchers", events: ["voucher.redeemed"] });
    expect((await balanceEvent(m, card.id)).data.webhooks, "an endpoint for other events").toBe(false);

    const balances = await createEndpoint(m.ctx, { url: "https://hooks.example.test/balances", events: ["card.balance_changed"] });
    expect((await balanceEvent(m, card.id)).data.webhooks).toBe(true);

    await setEndpointActive(m.ctx, balances.id, false);
    expect((await balanceEvent(m, card.id)).data.webhooks, "a paused endpoint").toBe(false);
    expect(other.active).toBe(true);

    // Another business's endpoints do not count.
    const n = await makeMerchant();
    await createEndpoint(n.ctx, { url: "https://hooks.example.test/theirs", events: ["card.balance_changed"] });
    expect((await balanceEvent(m, card.id)).data.webhooks).toBe(false);
  });

  it("the fan-out's trigger skips flagged-off events and runs for the rest, including events without the flag", () => {
    // What the SDK registers with Inngest (getConfig is what `serve` sends at sync).
    const config = webhookFanout["getConfig"]({ baseUrl: new URL("http://localhost:3000/api/inngest"), appPrefix: "keepcard" })[0]!;
    const triggers = config.triggers as { event?: string; expression?: string }[];
    const balance = triggers.find((t) => t.event === "card.balance_changed")!;
    expect(balance.expression).toBe(WEBHOOK_TRIGGER_IF);
    const event = (data: Record<string, unknown>) => ({ name: "card.balance_changed", data });
    expect(matches(WEBHOOK_TRIGGER_IF, event({ merchantId: "mer_1", webhooks: false }))).toBe(false);
    expect(matches(WEBHOOK_TRIGGER_IF, event({ merchantId: "mer_1", webhooks: true }))).toBe(true);
    expect(matches(WEBHOOK_TRIGGER_IF, event({ merchantId: "mer_1" }))).toBe(true);
  });
});
