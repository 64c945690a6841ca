import http from "node:http";
import type { AddressInfo } from "node:net";
import { InngestTestEngine, mockCtx } from "@inngest/test";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { outboxEvents, webhookDeliveries } from "@/db/schema";
import { toInngestEvent } from "@/lib/events/dispatch";
import { webhookDeliver } from "@/jobs/webhook-deliver";
import { webhookFanout } from "@/jobs/webhook-fanout";
import { earn } from "@/lib/ledger/earn";
import { createEndpoint, deliveryAttempts, listDeliveries, replayDelivery } from "@/lib/webhooks/endpoints";
import { makeCard, makeMerchant, makeProgram, makeUser } from "../support/fixtures";

// A merchant's receiver: answers `status`, keeps what it got.
const receiver = { status: 500, got: [] as { headers: http.IncomingHttpHeaders; body: string }[] };
let server: http.Server;
let url = "";
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      receiver.got.push({ headers: req.headers, body });
      res.writeHead(receiver.status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function deliver(merchantId: string, deliveryId: string) {
  return new InngestTestEngine({ function: webhookDeliver, events: [{ name: "webhook_delivery.requested", data: { merchantId, deliveryId } }] }).execute();
}

describe("outgoing webhooks", () => {
  it("signs deliveries per Standard Webhooks, retries a failure, logs attempts and replays", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const endpoint = await createEndpoint(m.ctx, { url, events: ["card.balance_changed"] });
    const staff = await makeUser(m, "staff");
    await expect(createEndpoint({ ...m.ctx, actor: staff }, { url, events: ["card.enrolled"] })).rejects.toMatchObject({ code: "forbidden" });
    await earn(m.ctx, { cardId: card.id, points: 12 });
    const events = await m.db.select().from(outboxEvents).where(eq(outboxEvents.merchantId, m.merchantId));
    const changed = events.find((e) => e.type === "card.balance_changed")!;
    const enrolled = events.find((e) => e.type === "card.enrolled")!;

    const sent = vi.fn(async () => ({ ids: [] }));
    const fanout = (event: typeof changed) =>
      new InngestTestEngine({
        function: webhookFanout,
        events: [toInngestEvent(event)],
        transformCtx: (raw) => {
          const ctx = mockCtx(raw);
          return { ...ctx, step: { ...ctx.step, sendEvent: sent } } as typeof ctx;
        },
      }).execute();
    expect((await fanout(enrolled)).result).toEqual({ deliveries: 0 }); // not subscribed
    expect((await fanout(changed)).result).toEqual({ deliveries: 1 });
    expect((await fanout(changed)).result).toEqual({ deliveries: 1 }); // a resent event plans no second delivery
    const [delivery] = await listDeliveries(m.ctx);
    expect(await m.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpoint.id))).toHaveLength(1);

    receiver.status = 500;
    const failed = await deliver(m.merchantId, delivery!.id);
    expect(failed.error).toBeDefined(); // thrown, so Inngest retries with back-off
    receiver.status = 204;
    expect((await deliver(m.merchantId, delivery!.id)).result).toMatchObject({ delivered: true, status: 204 });
    expect((await deliver(m.merchantId, delivery!.id)).result).toMatchObject({ skipped: "already delivered" });

    const verified = receiver.got.map((r) => new Webhook(endpoint.secret).verify(r.body, r.headers as Record<string, string>)) as { type: string; data: Record<string, unknown> }[];
    expect(verified).toHaveLength(2);
    expect(verified[1]).toMatchObject({ type: "card.balance_changed", data: { cardId: card.id, amount: 12, balance: 12 } });
    expect(new Set(receiver.got.map((r) => r.headers["webhook-id"]))).toEqual(new Set([changed.id]));

    const attempts = await deliveryAttempts(m.ctx, delivery!.id);
    expect(attempts.map((a) => a.statusCode).sort()).toEqual([204, 500]);

    await replayDelivery(m.ctx, delivery!.id);
    const replayEvents = (await m.db.select().from(outboxEvents).where(eq(outboxEvents.merchantId, m.merchantId))).filter((e) => e.type === "webhook_delivery.requested");
    expect(replayEvents.map((e) => e.payload.deliveryId)).toEqual([delivery!.id]);
    expect((await deliver(m.merchantId, delivery!.id)).result).toMatchObject({ delivered: true });
    expect(receiver.got).toHaveLength(3);
    expect(receiver.got[2]!.headers["webhook-id"]).toBe(changed.id);
  });
});
