import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as shopifyRoute } from "@/app/api/connectors/shopify/[connectorId]/route";
import { connectorEvents, connectors, type ConnectorProvider } from "@/db/schema";
import { decryptSecret, isEncrypted } from "@/lib/crypto/secrets";
import { env } from "@/lib/env";
import { listConnectorEvents, saveConnector, sendTestEvent } from "@/lib/integrations/connectors";
import { makeMerchant, makeProgram } from "../support/fixtures";
import { balanceOf, deliver, logOf, setupConnector, shopifySignature } from "../support/connectors";

describe("connector setup", () => {
  it("keeps the signing secret encrypted, and builds the webhook URL from APP_URL and an unguessable id", async () => {
    const s = await setupConnector("shopify");
    const [row] = await s.db.select().from(connectors).where(eq(connectors.id, s.connector.id));
    expect(isEncrypted(row!.secret!)).toBe(true);
    expect(row!.secret).not.toContain(s.secret);
    expect(decryptSecret(row!.secret!)).toBe(s.secret);
    expect(s.connector).not.toHaveProperty("secret");
    expect(s.connector.webhookUrl).toBe(`${env.APP_URL.replace(/\/$/, "")}/api/connectors/shopify/${s.connector.id}`);
    expect(s.connector.id).toMatch(/^con_[A-Za-z0-9]{20}$/);

    // Saving again without a secret keeps it; the connector stays the same one (its URL does not change).
    const again = await saveConnector(s.ctx, { provider: "shopify", programId: s.programId });
    expect(again).toMatchObject({ id: s.connector.id, hasSecret: true });
  });

  it("refuses another business's program", async () => {
    const mine = await makeMerchant();
    const theirs = await makeMerchant();
    const program = await makeProgram(theirs);
    await expect(saveConnector(mine.ctx, { provider: "stripe", programId: program.id, secret: "whsec_x" })).rejects.toMatchObject({ code: "not_found" });
  });

  for (const provider of ["shopify", "stripe", "square"] satisfies ConnectorProvider[]) {
    it(`${provider}: the test event goes through verification and mapping, is logged as a test and moves no points`, async () => {
      const s = await setupConnector(provider);
      const result = await sendTestEvent(s.ctx, { provider });
      expect(result).toMatchObject({ status: 200, outcome: "test" });
      expect(result.message).toContain("signature verified");
      expect(result.message).toContain("No points moved");
      expect(await balanceOf(s, s.cardId)).toEqual({ balance: 0, debt: 0 });
      const [row] = await logOf(s);
      expect(row).toMatchObject({ outcome: "test", test: true, amount: 2500, currency: "USD", entryId: null });
    });
  }

  it("the test event needs the secret first", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    await saveConnector(m.ctx, { provider: "square", programId: program.id });
    await expect(sendTestEvent(m.ctx, { provider: "square" })).rejects.toMatchObject({ code: "conflict" });
  });

  it("lists received events newest first, a page at a time, only the business's own", async () => {
    const s = await setupConnector("shopify");
    const other = await setupConnector("shopify");
    await other.db.insert(connectorEvents).values({ id: "cev_other", merchantId: other.merchantId, connectorId: other.connector.id, topic: "orders/paid", outcome: "ignored", message: "theirs" });
    for (let i = 0; i < 23; i++) {
      await s.db.insert(connectorEvents).values({ id: `cev_${s.connector.id}_${i}`, merchantId: s.merchantId, connectorId: s.connector.id, topic: "orders/paid", outcome: "ignored", message: `event ${i}`, createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)) });
    }
    const first = await listConnectorEvents(s.ctx, { provider: "shopify" });
    expect(first.data).toHaveLength(20);
    expect(first.data[0]!.message).toBe("event 22");
    const second = await listConnectorEvents(s.ctx, { provider: "shopify", cursor: first.nextCursor! });
    expect(second.data.map((e) => e.message)).toEqual(["event 2", "event 1", "event 0"]);
    expect(second.nextCursor).toBeNull();
  });

  it("two deliveries of the same order at once earn once: one is logged as duplicate", async () => {
    const s = await setupConnector("shopify");
    const rawBody = JSON.stringify({ id: 777, email: s.email, currency: "USD", total_price: "30.00" });
    const headers = {
      "x-shopify-topic": "orders/paid",
      "x-shopify-hmac-sha256": shopifySignature(rawBody, s.secret),
      "x-shopify-shop-domain": "test-shop.myshopify.com",
      "x-shopify-api-version": "2025-01",
      "x-shopify-webhook-id": "same",
    };
    const results = await Promise.all([deliver(shopifyRoute, s, rawBody, headers), deliver(shopifyRoute, s, rawBody, headers), deliver(shopifyRoute, s, rawBody, headers)]);
    expect(results.map((r) => r.body.outcome).sort()).toEqual(["duplicate", "duplicate", "earned"]);
    expect((await balanceOf(s, s.cardId)).balance).toBe(30);
  });
});
