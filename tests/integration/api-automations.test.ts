import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { POST as enrollRoute } from "@/app/api/v1/cards/route";
import { GET as getAutomations, PUT as putAutomations } from "@/app/api/v1/programs/[id]/automations/route";
import { outboxEvents } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys/verbs";
import { call, makeCard, makeMerchant, makeProgram, makeReward } from "../support/fixtures";

const referral = { enabled: true, referrerBonus: 100, refereeBonus: 50, minPurchase: 1000, monthlyCap: 5 };

describe("GET/PUT /programs/{id}/automations", () => {
  it("starts with every automation off, and a PUT switches sections on, leaving the others as they were", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const first = await call(getAutomations, { key: m.apiKey, params: { id: program.id } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      programId: program.id,
      welcome: { enabled: false, bonus: 0 },
      birthday: { enabled: false, rewardId: null, daysBefore: 0 },
      referral: { enabled: false, monthlyCap: null },
      winback: { enabled: false },
      updatedAt: null,
    });

    const passUpdates = async () => (await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "program.changed")))).length;
    const before = await passUpdates();
    const put = await call(putAutomations, { key: m.apiKey, method: "PUT", params: { id: program.id }, body: { welcome: { enabled: true, bonus: 25 }, referral }, idempotencyKey: "auto-1" });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ welcome: { enabled: true, bonus: 25 }, referral: { ...referral, stats: { qualifying: { count: 0 } } }, winback: { enabled: false } });

    const winback = await call(putAutomations, { key: m.apiKey, method: "PUT", params: { id: program.id }, body: { winback: { enabled: true, days: 45, bonus: 30 } } });
    expect(winback.body).toMatchObject({ welcome: { enabled: true, bonus: 25 }, referral: { enabled: true }, winback: { enabled: true, days: 45, bonus: 30 } });
    // The referral offer is on the back of every pass: switching it on asked for the passes to follow; win-back did not.
    expect(await passUpdates()).toBe(before + 1);

    // The same Idempotency-Key answers the first result and writes nothing.
    const replay = await call(putAutomations, { key: m.apiKey, method: "PUT", params: { id: program.id }, body: { welcome: { enabled: true, bonus: 25 }, referral }, idempotencyKey: "auto-1" });
    expect(replay.status).toBe(200);
    expect((await call(getAutomations, { key: m.apiKey, params: { id: program.id } })).body.winback).toMatchObject({ enabled: true, days: 45 });
  });

  it("shows who qualifies and what a referral cost, through the API end to end", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { rules: { basis: "amount", rate: 1 } });
    await call(putAutomations, { key: m.apiKey, method: "PUT", params: { id: program.id }, body: { referral } });
    const referrer = await makeCard(m, program.id, `referrer-${m.merchantId.toLowerCase()}@example.test`);
    const joined = await call(enrollRoute, { key: m.apiKey, body: { programId: program.id, customer: { email: `friend-${m.merchantId.toLowerCase()}@example.test`, name: "Friend" }, referralCode: referrer.referralCode } });
    expect(joined.status).toBe(201);
    const waiting = (await call(getAutomations, { key: m.apiKey, params: { id: program.id } })).body.referral.stats;
    expect(waiting.qualifying).toEqual({ count: 1, members: [{ cardId: joined.body.id, customerId: joined.body.customerId, name: "Friend" }] });
    expect(waiting.cost).toMatchObject({ grants: 0, points: 0 });

    await call(earnRoute, { key: m.apiKey, params: { id: joined.body.id }, body: { purchase: { amount: 2500, currency: "USD" } } });
    const credited = (await call(getAutomations, { key: m.apiKey, params: { id: program.id } })).body.referral.stats;
    expect(credited.qualifying.count).toBe(0);
    expect(credited.cost).toEqual({ grants: 2, members: 2, points: 150, vouchers: 0 });
  });

  it("answers 422 problem+json for a switched-on automation with nothing to give, or a reward of another program", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const other = await makeProgram(m, { name: "Other" });
    const foreign = await makeReward(m, other.id, 100);
    const own = await makeReward(m, program.id, 100);
    const bad = [
      { welcome: { enabled: true, bonus: 0 } },
      { birthday: { enabled: true, bonus: 0, rewardId: null, daysBefore: 3 } },
      { birthday: { enabled: true, bonus: 0, rewardId: foreign.id, daysBefore: 3 } },
      { winback: { enabled: true, days: 3, bonus: 10 } },
      { referral: { ...referral, monthlyCap: 0 } },
      { referral: { enabled: true } },
      { unknown: true },
    ];
    for (const body of bad) {
      const res = await call(putAutomations, { key: m.apiKey, method: "PUT", params: { id: program.id }, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await call(getAutomations, { key: m.apiKey, params: { id: program.id } })).body).toMatchObject({ welcome: { enabled: false }, birthday: { enabled: false }, updatedAt: null });

    const ok = await call(putAutomations, { key: m.apiKey, method: "PUT", params: { id: program.id }, body: { birthday: { enabled: true, bonus: 0, rewardId: own.id, daysBefore: 3 } } });
    expect(ok.body.birthday).toMatchObject({ enabled: true, rewardId: own.id, daysBefore: 3 });
  });

  it("needs the manage scope to change; another business's program is 404", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const program = await makeProgram(a);
    const theirs = await makeProgram(b);
    const reader = (await createApiKey(a.ctx, { name: "reader", scopes: ["read"] })).key;
    expect((await call(getAutomations, { key: reader, params: { id: program.id } })).status).toBe(200);
    const denied = await call(putAutomations, { key: reader, method: "PUT", params: { id: program.id }, body: { welcome: { enabled: true, bonus: 5 } } });
    expect(denied.status).toBe(403);
    expect((await call(getAutomations, { key: a.apiKey, params: { id: program.id } })).body.welcome.enabled).toBe(false);

    expect((await call(getAutomations, { key: a.apiKey, params: { id: theirs.id } })).status).toBe(404);
    expect((await call(putAutomations, { key: a.apiKey, method: "PUT", params: { id: theirs.id }, body: { welcome: { enabled: true, bonus: 5 } } })).status).toBe(404);
    expect((await call(getAutomations, { key: b.apiKey, params: { id: theirs.id } })).body.welcome.enabled).toBe(false);
  });
});
