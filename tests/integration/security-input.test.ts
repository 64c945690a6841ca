import { describe, expect, it } from "vitest";
import { GET as getCard } from "@/app/api/v1/cards/[id]/route";
import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { POST as enrollRoute } from "@/app/api/v1/cards/route";
import { eq } from "drizzle-orm";
import { POST as createProgramRoute } from "@/app/api/v1/programs/route";
import { GET as listRewardsRoute } from "@/app/api/v1/rewards/route";
import { POST as redeemVoucherRoute } from "@/app/api/v1/vouchers/redeem/route";
import { vouchers } from "@/db/schema";
import { adjust } from "@/lib/ledger/adjust";
import { earn, MAX_CARDS_PER_EARN } from "@/lib/ledger/earn";
import { createLocation } from "@/lib/locations/verbs";
import { redeemReward } from "@/lib/rewards/redeem";
import { expectLedgerConsistent } from "../support/invariants";
import { call, makeCard, makeMerchant, makeProgram, makeReward } from "../support/fixtures";

describe("control characters in input", () => {
  it.each(["\u0000", "crd_\u0000abc", "\u0007", "\u009b", "crd_\nx"])("GET /api/v1/cards/%j answers 400 problem+json, not 500", async (id) => {
    const m = await makeMerchant();
    const res = await call(getCard, { key: m.apiKey, path: `/api/v1/cards/${encodeURIComponent(id)}`, params: { id } });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  it("refuses a NUL in an id inside a body with a 4xx", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const enrolled = await call(enrollRoute, { key: m.apiKey, path: "/api/v1/cards", body: { programId: program.id, customer: { email: "a@example.test" } } });
    expect(enrolled.status).toBe(201);
    const cardId = (enrolled.body as { id: string }).id;
    const res = await call(earnRoute, { key: m.apiKey, path: `/api/v1/cards/${cardId}/earn`, params: { id: cardId }, body: { points: 1, locationId: "loc_\u0000" } });
    expect(res.status).toBe(422);
  });

  it("refuses control characters in a customer's name but keeps ordinary text", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const bad = await call(enrollRoute, { key: m.apiKey, path: "/api/v1/cards", body: { programId: program.id, customer: { email: "b@example.test", name: "Ann\u0000\u001b[2J" } } });
    expect(bad.status).toBe(422);
    const good = await call(enrollRoute, { key: m.apiKey, path: "/api/v1/cards", body: { programId: program.id, customer: { email: "c@example.test", name: "Ann-Marie O'Neil 李" } } });
    expect(good.status).toBe(201);
  });

  it("refuses a NUL anywhere in a JSON body (free-form JSON too) with a 422, not a 500 from the database", async () => {
    const m = await makeMerchant();
    const res = await call(createProgramRoute, { key: m.apiKey, path: "/api/v1/programs", body: { name: "Pass", kind: "points", design: { stripUrl: "\u0000" } } });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const nested = await call(createProgramRoute, { key: m.apiKey, path: "/api/v1/programs", body: { name: "Pass", kind: "points", ["x\u0000"]: 1 } });
    expect(nested.status).toBe(422);
  });
});

describe("another merchant's ids in inputs are not found (found by the API fuzz test)", () => {
  it("a voucher redeemed with another business's location is refused, and stays unused", async () => {
    const m = await makeMerchant();
    const other = await makeMerchant();
    const program = await makeProgram(m);
    const reward = await makeReward(m, program.id, 10);
    const card = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, points: 10 });
    const { voucher } = await redeemReward(m.ctx, { cardId: card.id, rewardId: reward.id });
    const theirs = await createLocation(other.ctx, { name: "Elsewhere", latitude: null, longitude: null });
    const res = await call(redeemVoucherRoute, { key: m.apiKey, path: "/api/v1/vouchers/redeem", body: { code: voucher.code, locationId: theirs.id }, idempotencyKey: crypto.randomUUID() });
    expect(res.status).toBe(404);
    const [row] = await m.db.select().from(vouchers).where(eq(vouchers.id, voucher.id));
    expect(row!.status).toBe("issued");
    const mine = await createLocation(m.ctx, { name: "Here", latitude: null, longitude: null });
    const ok = await call(redeemVoucherRoute, { key: m.apiKey, path: "/api/v1/vouchers/redeem", body: { code: voucher.code, locationId: mine.id }, idempotencyKey: crypto.randomUUID() });
    expect(ok.status).toBe(200);
  });

  it("listing rewards of another business's program is a 404, not an empty list", async () => {
    const m = await makeMerchant();
    const other = await makeMerchant();
    const theirs = await makeProgram(other);
    const res = await call(listRewardsRoute, { key: m.apiKey, path: "/api/v1/rewards", query: { programId: theirs.id } });
    expect(res.status).toBe(404);
  });

  it("a stamp card raised by hand to millions of stamps completes a bounded number of cards per earn (no million-voucher transaction)", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { kind: "stamps", stampsRequired: 5 });
    const card = await makeCard(m, program.id);
    await adjust(m.ctx, { cardId: card.id, amount: 9_999_997, reason: "typo at the counter" });
    const started = Date.now();
    const outcome = await earn(m.ctx, { cardId: card.id, stamps: 3 });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(outcome.vouchers).toHaveLength(MAX_CARDS_PER_EARN);
    expect(outcome.card.balance).toBe(10_000_000 - MAX_CARDS_PER_EARN * 5);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });
});
