import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as getCustomerRoute, PATCH as updateRoute } from "@/app/api/v1/customers/[id]/route";
import { auditLog, customers, outboxEvents } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys/verbs";
import { eraseCustomer } from "@/lib/customers/gdpr";
import { call, makeCard, makeMerchant, makeProgram, type TestMerchant } from "../support/fixtures";

const patch = (m: TestMerchant, id: string, body: unknown, key = m.apiKey) => call(updateRoute, { key, method: "PATCH", params: { id }, body });

async function eventsOf(m: TestMerchant, type: string) {
  return m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, type)));
}

describe("customers through the API (GET/PATCH /customers/{id})", () => {
  it("changes name, phone, birthday, language and consent; the passes of every open card hear of the name and the language", async () => {
    const m = await makeMerchant();
    const [points, stamps] = [await makeProgram(m), await makeProgram(m, { kind: "stamps", stampsRequired: 8 })];
    const card = await makeCard(m, points.id, `ana-${m.merchantId.toLowerCase()}@example.test`);
    const second = await makeCard(m, stamps.id, `ana-${m.merchantId.toLowerCase()}@example.test`);
    expect(second.customerId).toBe(card.customerId);

    const read = await call(getCustomerRoute, { key: m.apiKey, params: { id: card.customerId } });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: card.customerId, email: `ana-${m.merchantId.toLowerCase()}@example.test`, language: "en", marketingConsent: false, erased: false });

    const res = await patch(m, card.customerId, { name: "Ana Lima", phone: "+44 20 7946 0958", birthday: "1991-04-02", language: "fr", marketingConsent: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "Ana Lima", phone: "+44 20 7946 0958", birthday: "1991-04-02", language: "fr", marketingConsent: true });
    const details = (await eventsOf(m, "card.details_changed")).map((e) => e.payload.cardId);
    const language = (await eventsOf(m, "card.language_changed")).map((e) => [e.payload.cardId, e.payload.language]);
    expect(details.sort()).toEqual([card.id, second.id].sort());
    expect(language.sort()).toEqual([[card.id, "fr"], [second.id, "fr"]].sort());
    const [entry] = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.action, "customer.updated")));
    // The audit names the fields, never their values.
    expect(entry!.details).toEqual({ fields: ["name", "phone", "birthday", "language", "marketingConsent"] });

    // The same values again change nothing and tell nobody; null clears a field.
    await patch(m, card.customerId, { name: "Ana Lima", language: "fr" });
    expect(await eventsOf(m, "card.details_changed")).toHaveLength(2);
    const cleared = await patch(m, card.customerId, { phone: null, birthday: null, marketingConsent: false });
    expect(cleared.body).toMatchObject({ phone: null, birthday: null, marketingConsent: false, name: "Ana Lima" });
  });

  it("refuses an email another customer has (409), bad input (422) and an erased customer (409), writing nothing", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const ana = await makeCard(m, program.id, `ana-${m.merchantId.toLowerCase()}@example.test`);
    const bob = await makeCard(m, program.id, `bob-${m.merchantId.toLowerCase()}@example.test`);
    const taken = await patch(m, bob.customerId, { email: `ANA-${m.merchantId.toLowerCase()}@example.test` });
    expect([taken.status, taken.body.code]).toEqual([409, "conflict"]);
    expect((await patch(m, bob.customerId, {})).status).toBe(422);
    expect((await patch(m, bob.customerId, { email: "not an email" })).status).toBe(422);
    expect((await patch(m, bob.customerId, { language: "xx" })).status).toBe(422);
    expect((await patch(m, bob.customerId, { name: "Bob", favourite: "tea" })).status).toBe(422);
    const moved = await patch(m, bob.customerId, { email: `robert-${m.merchantId.toLowerCase()}@example.test` });
    expect(moved.body.email).toBe(`robert-${m.merchantId.toLowerCase()}@example.test`);

    await eraseCustomer(m.ctx, { customerId: ana.customerId });
    const erased = await patch(m, ana.customerId, { name: "Back again" });
    expect([erased.status, erased.body.code]).toEqual([409, "conflict"]);
    const [row] = await m.db.select().from(customers).where(eq(customers.id, ana.customerId));
    expect(row!.name).toBeNull();
  });

  it("answers 404 for another business's customer and 403 to a key without the manage scope", async () => {
    const [a, b] = await Promise.all([makeMerchant(), makeMerchant()]);
    const card = await makeCard(a, (await makeProgram(a)).id);
    expect((await call(getCustomerRoute, { key: b.apiKey, params: { id: card.customerId } })).status).toBe(404);
    expect((await patch(b, card.customerId, { name: "Mallory" })).status).toBe(404);
    const { key } = await createApiKey(a.ctx, { name: "till", scopes: ["earn", "read"] });
    expect((await patch(a, card.customerId, { name: "Till" }, key)).status).toBe(403);
    expect((await call(getCustomerRoute, { key, params: { id: card.customerId } })).status).toBe(200);
    const [row] = await a.db.select().from(customers).where(eq(customers.id, card.customerId));
    expect(row!.name).not.toBe("Mallory");
  });
});
