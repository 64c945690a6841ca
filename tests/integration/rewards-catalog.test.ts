import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as redeemRoute } from "@/app/api/v1/cards/[id]/redemptions/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/rewards/route";
import { PATCH as patchRoute } from "@/app/api/v1/rewards/[id]/route";
import { GET as imageRoute } from "@/app/(public)/rewards/images/[hash]/route";
import { cards, rewards } from "@/db/schema";
import { loadCardView } from "@/lib/cards/view";
import { isAppError } from "@/lib/errors";
import { earn } from "@/lib/ledger/earn";
import { redeemReward } from "@/lib/rewards/redeem";
import { createReward } from "@/lib/rewards/verbs";
import { renderPass } from "@/wallet/apple/pass";
import { loyaltyObjectFields } from "@/wallet/google/sync";
import { countRows } from "../support/counts";
import { call, makeCard, makeMerchant, makeProgram, type TestMerchant } from "../support/fixtures";
import { expectLedgerConsistent } from "../support/invariants";
import { readStoredZip, testAppleConfig } from "../support/wallet-certs";

const DAY = 86_400_000;
const TIERS = { windowDays: 365, levels: [{ name: "Silver", threshold: 0 }, { name: "Gold", threshold: 500 }, { name: "Platinum", threshold: 5000 }] };
const PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

async function tiered(m: TestMerchant, points: number) {
  const program = await makeProgram(m, { name: "Bean Points", tiers: TIERS });
  const card = await makeCard(m, program.id);
  if (points) await earn(m.ctx, { cardId: card.id, points });
  return { program, card };
}

const redeem = (m: TestMerchant, cardId: string, rewardId: string) => call(redeemRoute, { key: m.apiKey, params: { id: cardId }, body: { rewardId } });
const stockOf = async (m: TestMerchant, id: string) => (await m.db.select({ inventory: rewards.inventory }).from(rewards).where(eq(rewards.id, id)))[0]!.inventory;

describe("rewards limited to tiers and dates", () => {
  it("a Gold-only reward is refused to a Silver card with 409 not_available and nothing written; a Gold card gets it", async () => {
    const m = await makeMerchant();
    const { program, card } = await tiered(m, 100);
    const gold = await createReward(m.ctx, { programId: program.id, name: "Gold lounge", cost: 50, inventory: 3, eligibleTiers: ["Gold"] });
    const before = await countRows(m.db, m.merchantId);

    const refused = await redeem(m, card.id, gold.id);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: "not_available", detail: "Gold lounge: Gold members only." });
    expect(await countRows(m.db, m.merchantId)).toEqual(before);
    expect(await stockOf(m, gold.id)).toBe(3);

    // The card page redeems as the customer: the same verb, the same refusal.
    const asCustomer = { ...m.ctx, actor: { type: "customer" as const, id: card.customerId }, source: "card_page" };
    const error = await redeemReward(asCustomer, { cardId: card.id, rewardId: gold.id }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("not_available");
    expect(await countRows(m.db, m.merchantId)).toEqual(before);

    await earn(m.ctx, { cardId: card.id, points: 500 });
    const ok = await redeem(m, card.id, gold.id);
    expect(ok.status).toBe(201);
    expect(ok.body.card.tier).toBe("Gold");
    expect(await stockOf(m, gold.id)).toBe(2);
    await expectLedgerConsistent(m.db, { cardId: card.id });
  });

  it("a reward before its window or after it is refused (409, with the date); inside it, it is redeemed", async () => {
    const m = await makeMerchant();
    const { program, card } = await tiered(m, 1000);
    const now = Date.now();
    const soon = await createReward(m.ctx, { programId: program.id, name: "Winter mug", cost: 10, availableFrom: new Date(now + 3 * DAY).toISOString() });
    const over = await createReward(m.ctx, { programId: program.id, name: "Summer tote", cost: 10, availableUntil: new Date(now - DAY).toISOString() });
    const open = await createReward(m.ctx, {
      programId: program.id,
      name: "Autumn scarf",
      cost: 10,
      availableFrom: new Date(now - DAY).toISOString(),
      availableUntil: new Date(now + DAY).toISOString(),
    });
    const before = await countRows(m.db, m.merchantId);
    const early = await redeem(m, card.id, soon.id);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: "not_available", detail: expect.stringMatching(/^Winter mug: From \d{1,2} \w{3}\.$/) });
    const late = await redeem(m, card.id, over.id);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: "not_available", detail: expect.stringMatching(/^Summer tote: Ended \d{1,2} \w{3}\.$/) });
    expect(await countRows(m.db, m.merchantId)).toEqual(before);
    expect((await redeem(m, card.id, open.id)).status).toBe(201);
  });
});

describe("the next reward on the card page and the passes", () => {
  it("skips rewards out of stock, of another tier and outside their dates, and names the first the card can get", async () => {
    const m = await makeMerchant();
    const { program, card } = await tiered(m, 25);
    const now = Date.now();
    await createReward(m.ctx, { programId: program.id, name: "Sold out", cost: 100, inventory: 0 });
    await createReward(m.ctx, { programId: program.id, name: "Gold only", cost: 150, eligibleTiers: ["Gold"] });
    await createReward(m.ctx, { programId: program.id, name: "Next week", cost: 200, availableFrom: new Date(now + 7 * DAY).toISOString() });
    await createReward(m.ctx, { programId: program.id, name: "Last week", cost: 250, availableUntil: new Date(now - 7 * DAY).toISOString() });
    await createReward(m.ctx, { programId: program.id, name: "Free coffee", cost: 300 });

    const view = (await loadCardView(m.db, { cardId: card.id }))!;
    expect(view.card.tier).toBe("Silver");
    expect(view.next).toEqual({ title: "Free coffee", remaining: 275, target: 300 });
    expect(view.open.map((r) => r.name)).toEqual(["Free coffee"]);

    const pass = JSON.parse(readStoredZip(renderPass(view, testAppleConfig()).body)["pass.json"]!.toString("utf8")) as { storeCard: Record<string, { key: string; value: unknown }[] | undefined> };
    expect(Object.values(pass.storeCard).flatMap((l) => l ?? []).find((f) => f.key === "next")?.value).toBe("Free coffee · 275 to go");
    // The list of rewards on the back says why each closed one cannot be taken.
    expect(String(pass.storeCard.backFields!.find((f) => f.key === "catalog")?.value).split("\n")).toEqual([
        "Sold out: 100 points (out of stock)",
        "Gold only: 150 points (Gold members only)",
        expect.stringMatching(/^Next week: 200 points \(From \d{1,2} \w{3}\)$/),
        expect.stringMatching(/^Last week: 250 points \(Ended \d{1,2} \w{3}\)$/),
        "Free coffee: 300 points",
    ]);
    const google = loyaltyObjectFields(view).textModulesData as { id: string; body: string }[];
    expect(google.find((t) => t.id === "next")?.body).toBe("Free coffee: 275 to go");

    // Within a week a later view (a new clock) opens the dated reward; a Gold card sees its own.
    const nextWeek = (await loadCardView(m.db, { cardId: card.id }, new Date(now + 8 * DAY)))!;
    expect(nextWeek.next?.title).toBe("Next week");
    await m.db.update(cards).set({ tier: "Gold" }).where(eq(cards.id, card.id));
    const asGold = (await loadCardView(m.db, { cardId: card.id }))!;
    expect(asGold.next).toEqual({ title: "Gold only", remaining: 125, target: 150 });
  });
});

describe("the rewards API", () => {
  it("creates, lists and updates tiers, dates and a picture; refuses unknown tiers, a reversed window and a non-image", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { name: "Bean Points", tiers: TIERS });
    const from = "2030-12-01T00:00:00.000Z";
    const until = "2030-12-25T00:00:00.000Z";
    const created = await call(createRoute, {
      key: m.apiKey,
      body: { programId: program.id, name: "Advent treat", cost: 40, eligibleTiers: ["Gold", "Platinum"], availableFrom: from, availableUntil: until, image: `data:image/png;base64,${PNG_1PX}` },
    });
    expect(created.status).toBe(201);
    const hash = createHash("sha256").update(Buffer.from(PNG_1PX, "base64")).digest("hex");
    expect(created.body).toMatchObject({ eligibleTiers: ["Gold", "Platinum"], availableFrom: from, availableUntil: until, imageUrl: expect.stringMatching(new RegExp(`/rewards/images/${hash}$`)), partnerUserId: null });

    const listed = await call(listRoute, { key: m.apiKey, query: { programId: program.id } });
    expect(listed.body.data).toEqual([created.body]);

    const patched = await call(patchRoute, { key: m.apiKey, method: "PATCH", params: { id: created.body.id }, body: { eligibleTiers: [], availableFrom: null, image: null } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ eligibleTiers: [], availableFrom: null, availableUntil: until, imageUrl: null });

    const before = await countRows(m.db, m.merchantId);
    const unknownTier = await call(createRoute, { key: m.apiKey, body: { programId: program.id, name: "X", cost: 1, eligibleTiers: ["Diamond"] } });
    expect(unknownTier.status).toBe(422);
    expect(unknownTier.body.errors).toEqual([{ path: "eligibleTiers", message: "Diamond is not a tier of this program" }]);
    const reversed = await call(patchRoute, { key: m.apiKey, method: "PATCH", params: { id: created.body.id }, body: { availableFrom: "2031-01-01T00:00:00Z" } });
    expect(reversed.status).toBe(422);
    expect(reversed.body.errors).toEqual([{ path: "availableUntil", message: "must be after availableFrom" }]);
    // Declared as a PNG, but the bytes are text: refused by what they are.
    const fake = await call(createRoute, { key: m.apiKey, body: { programId: program.id, name: "X", cost: 1, image: `data:image/png;base64,${Buffer.from("<svg onload=alert(1)>").toString("base64")}` } });
    expect(fake.status).toBe(422);
    expect(fake.body.errors).toEqual([{ path: "image", message: "the file is not a PNG or JPEG image" }]);
    const gif = await call(createRoute, { key: m.apiKey, body: { programId: program.id, name: "X", cost: 1, image: `data:image/gif;base64,R0lGODlhAQABAAAAACw=` } });
    expect(gif.status).toBe(422);
    const huge = await call(createRoute, {
      key: m.apiKey,
      body: { programId: program.id, name: "X", cost: 1, image: `data:image/png;base64,${Buffer.concat([Buffer.from(PNG_1PX, "base64"), Buffer.alloc(300 * 1024)]).toString("base64")}` },
    });
    expect(huge.status).toBe(422);
    expect(await countRows(m.db, m.merchantId)).toEqual(before);
  });

  it("serves a picture by its hash, cacheable for good, as the type its bytes are", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const reward = await createReward(m.ctx, { programId: program.id, name: "Pictured", cost: 5, image: `data:image/png;base64,${PNG_1PX}` });
    const res = await imageRoute(new Request(`http://localhost/rewards/images/${reward.imageHash}`), { params: Promise.resolve({ hash: reward.imageHash! }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(PNG_1PX, "base64"))).toBe(true);
    for (const hash of ["0".repeat(64), "../etc/passwd"]) {
      const missing = await imageRoute(new Request("http://localhost/rewards/images/x"), { params: Promise.resolve({ hash }) });
      expect(missing.status).toBe(404);
    }
  });
});
