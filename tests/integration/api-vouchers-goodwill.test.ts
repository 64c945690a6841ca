import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as listRoute, POST as issueRoute } from "@/app/api/v1/vouchers/route";
import { POST as voidRoute } from "@/app/api/v1/vouchers/[id]/void/route";
import { POST as useRoute } from "@/app/api/v1/vouchers/redeem/route";
import { auditLog, cards, customerTags, outboxEvents, vouchers } from "@/db/schema";
import { createSegment } from "@/lib/segments/verbs";
import { earn } from "@/lib/ledger/earn";
import { createLocation } from "@/lib/locations/verbs";
import { redeemReward } from "@/lib/rewards/redeem";
import { issueGoodwillVouchers } from "@/lib/vouchers/goodwill";
import { redeemVoucher } from "@/lib/vouchers/redeem";
import { call, makeCard, makeMerchant, makeProgram, makeReward, type TestMerchant } from "../support/fixtures";

const DAY = 86_400_000;

/** A saved segment of exactly these cards' customers: each is tagged, the segment selects the tag. */
async function makeSegment(m: TestMerchant, _programId: string, cardIds: string[]) {
  const tag = `regulars-${cardIds.length}`;
  if (cardIds.length) {
    const owners = await m.db.select({ customerId: cards.customerId }).from(cards).where(inArray(cards.id, cardIds));
    await m.db.insert(customerTags).values(owners.map((o) => ({ merchantId: m.merchantId, customerId: o.customerId, tag }))).onConflictDoNothing();
  }
  const segment = await createSegment(m.ctx, { name: "Regulars", definition: { match: "all", conditions: [{ field: "tags", op: "any", tags: [tag] }] } });
  return segment.id;
}

const list = (m: TestMerchant, query: Record<string, string> = {}) => call(listRoute, { key: m.apiKey, query });
const issue = (m: TestMerchant, body: unknown, idempotencyKey?: string) => call(issueRoute, { key: m.apiKey, body, idempotencyKey });
const voidIt = (m: TestMerchant, id: string, body: unknown = {}) => call(voidRoute, { key: m.apiKey, params: { id }, body });

async function eventsOf(m: TestMerchant, type: string) {
  return m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, type)));
}

describe("GET /vouchers", () => {
  it("filters by status, card, customer and location, pages without repeats, and shows only this business's vouchers", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const reward = await makeReward(m, program.id, 10);
    const downtown = await createLocation(m.ctx, { name: "Downtown", latitude: null, longitude: null });
    const ada = await makeCard(m, program.id, `ada-${m.merchantId.toLowerCase()}@example.test`);
    const bob = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: ada.id, points: 100 });
    const { voucher: used } = await redeemReward(m.ctx, { cardId: ada.id, rewardId: reward.id });
    await redeemVoucher(m.ctx, { code: used.code, locationId: downtown.id });
    const { vouchers: [open] } = await issueGoodwillVouchers(m.ctx, { cardId: bob.id, title: "Free coffee" });
    const { vouchers: [cancelled] } = await issueGoodwillVouchers(m.ctx, { cardId: bob.id, title: "Cake" });
    await voidVoucher(m, cancelled!.id);
    // Given ten days ago, valid for one: expired without being used.
    const { vouchers: [lapsed] } = await issueGoodwillVouchers({ ...m.ctx, now: () => new Date(Date.now() - 10 * DAY) }, { cardId: ada.id, title: "Old treat", validDays: 1 });

    const ids = async (query: Record<string, string>) => {
      const res = await list(m, query);
      expect(res.status).toBe(200);
      return res.body.data.map((v: { id: string }) => v.id);
    };
    expect(await ids({ status: "issued" })).toEqual([open!.id]);
    expect(await ids({ status: "redeemed" })).toEqual([used.id]);
    expect(await ids({ status: "void" })).toEqual([cancelled!.id]);
    expect(await ids({ status: "expired" })).toEqual([lapsed!.id]);
    expect(await ids({ locationId: downtown.id })).toEqual([used.id]);
    expect((await ids({ cardId: bob.id })).sort()).toEqual([open!.id, cancelled!.id].sort());
    expect((await ids({ email: `ADA-${m.merchantId.toLowerCase()}@example.test` })).sort()).toEqual([used.id, lapsed!.id].sort());

    // Paging: two at a time, newest first, every voucher once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { id: string }[]; nextCursor: string | null } } = await list(m, { limit: "2", ...(cursor ? { cursor } : {}) });
      seen.push(...res.body.data.map((v) => v.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([used.id, open!.id, cancelled!.id, lapsed!.id].sort());
    expect((await list(m, { cursor: "not-a-cursor" })).status).toBe(422);
    expect((await list(m, { status: "lost" })).status).toBe(422);

    // Another business sees none of them, even asking for this business's card.
    const other = await makeMerchant();
    await issueGoodwillVouchers(other.ctx, { cardId: (await makeCard(other, (await makeProgram(other)).id)).id, title: "Theirs" });
    expect((await list(other)).body.data.map((v: { title: string }) => v.title)).toEqual(["Theirs"]);
    expect((await list(other, { cardId: bob.id })).body.data).toEqual([]);
  });
});

async function voidVoucher(m: TestMerchant, id: string) {
  const res = await voidIt(m, id);
  expect(res.status).toBe(200);
  return res.body.voucher;
}

describe("POST /vouchers", () => {
  it("gives a goodwill voucher to a member once per Idempotency-Key, and tells the wallet", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const first = await issue(m, { cardId: card.id, title: "Free coffee", note: "Long wait on Monday" }, "gift-1");
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ issued: 1, skipped: 0, data: [{ cardId: card.id, title: "Free coffee", status: "issued", rewardId: null }] });
    const again = await issue(m, { cardId: card.id, title: "Free coffee", note: "Long wait on Monday" }, "gift-1");
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await m.db.select().from(vouchers).where(eq(vouchers.cardId, card.id))).toHaveLength(1);
    // The customer can use it at the counter; the passes sync and show a message.
    expect((await call(useRoute, { key: m.apiKey, body: { code: first.body.data[0].code } })).status).toBe(200);
    expect((await eventsOf(m, "voucher.issued")).map((e) => e.payload)).toEqual([expect.objectContaining({ cardId: card.id, title: "Free coffee" })]);
    expect((await eventsOf(m, "wallet.message_requested")).map((e) => e.payload)).toEqual([expect.objectContaining({ cardId: card.id, title: "A gift for you", body: expect.stringContaining("Free coffee") })]);
    const [entry] = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.action, "voucher.issued")));
    expect(entry?.details).toMatchObject({ title: "Free coffee", note: "Long wait on Monday", count: 1 });
  });

  it("a catalogue reward takes the reward's name, must be of the card's program, and costs no points", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const stamps = await makeProgram(m, { name: "Stamps", kind: "stamps", stampsRequired: 5 });
    const reward = await makeReward(m, program.id, 300);
    const card = await makeCard(m, program.id);
    const res = await issue(m, { cardId: card.id, rewardId: reward.id });
    expect(res.body).toMatchObject({ issued: 1, data: [{ rewardId: reward.id, title: reward.name }] });
    const [row] = await m.db.select().from(cards).where(eq(cards.id, card.id));
    expect(row!.balance).toBe(0);
    const wrong = await issue(m, { cardId: (await makeCard(m, stamps.id)).id, rewardId: reward.id });
    expect(wrong.status).toBe(422);
    expect((await issue(m, { cardId: card.id })).status).toBe(422);
    expect((await issue(m, { cardId: card.id, title: "A", rewardId: reward.id })).status).toBe(422);
    // Another business's card or reward is not found, and nothing is written.
    const other = await makeMerchant();
    const theirs = await makeCard(other, (await makeProgram(other)).id);
    expect((await issue(m, { cardId: theirs.id, title: "Gift" })).status).toBe(404);
    expect((await issue(other, { cardId: theirs.id, rewardId: reward.id })).status).toBe(404);
    expect(await m.db.select().from(vouchers).where(eq(vouchers.cardId, theirs.id))).toEqual([]);
  });

  it("gives each active card of a segment one voucher, in one transaction, once per Idempotency-Key", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const other = await makeProgram(m, { name: "Other" });
    const reward = await makeReward(m, program.id, 50);
    const members = [await makeCard(m, program.id), await makeCard(m, program.id), await makeCard(m, program.id)];
    const closed = await makeCard(m, program.id);
    await m.db.update(cards).set({ status: "closed" }).where(eq(cards.id, closed.id));
    const elsewhere = await makeCard(m, other.id);
    const outsider = await makeCard(m, program.id);
    const segmentId = await makeSegment(m, program.id, [...members, closed, elsewhere].map((c) => c.id));

    const res = await issue(m, { segmentId, rewardId: reward.id, validDays: 14 }, "segment-gift");
    expect(res.status).toBe(201);
    // A segment holds open cards only; the other program's card is skipped for a reward of this one.
    expect(res.body).toMatchObject({ issued: 3, skipped: 1 });
    expect(res.body.data.map((v: { cardId: string }) => v.cardId).sort()).toEqual(members.map((c) => c.id).sort());
    const days = (Date.parse(res.body.data[0].expiresAt) - Date.now()) / DAY;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(14);
    const replay = await issue(m, { segmentId, rewardId: reward.id, validDays: 14 }, "segment-gift");
    expect(replay.body).toEqual(res.body);
    const all = await m.db.select().from(vouchers).where(eq(vouchers.merchantId, m.merchantId));
    expect(all).toHaveLength(3);
    expect(all.some((v) => v.cardId === outsider.id || v.cardId === closed.id || v.cardId === elsewhere.id)).toBe(false);
    expect(await eventsOf(m, "voucher.issued")).toHaveLength(3);

    // A free-text voucher goes to the program's other member too; a new key is a new gift.
    const text = await issue(m, { segmentId, title: "Thank you" }, "segment-thanks");
    expect(text.body).toMatchObject({ issued: 4, skipped: 0 });

    // Another business's segment is not found.
    const stranger = await makeMerchant();
    expect((await issue(stranger, { segmentId, title: "Mine now" })).status).toBe(404);
    expect((await issue(m, { segmentId: "seg_missing", title: "x" })).status).toBe(404);
  });
});

describe("POST /vouchers/{id}/void", () => {
  it("cancels an open voucher, which can then not be used; a used one is 409; another business's is 404", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const { vouchers: [gift] } = await issueGoodwillVouchers(m.ctx, { cardId: card.id, title: "Gift" });
    const { vouchers: [used] } = await issueGoodwillVouchers(m.ctx, { cardId: card.id, title: "Used" });
    const res = await voidIt(m, gift!.id, { reason: "Given by mistake" });
    expect(res.status).toBe(200);
    expect(res.body.voucher).toMatchObject({ id: gift!.id, status: "void", voidedAt: expect.any(String) });
    const redeemAfter = await call(useRoute, { key: m.apiKey, body: { code: gift!.code } });
    expect(redeemAfter.status).toBe(410);
    expect(redeemAfter.body.detail).toContain("cancelled");
    expect((await eventsOf(m, "voucher.voided")).map((e) => e.payload)).toEqual([{ voucherId: gift!.id, cardId: card.id, title: "Gift" }]);
    // Voiding again answers the cancelled voucher and records nothing more.
    expect((await voidIt(m, gift!.id)).body.voucher).toMatchObject({ status: "void" });
    expect(await eventsOf(m, "voucher.voided")).toHaveLength(1);

    await redeemVoucher(m.ctx, { code: used!.code });
    const refused = await voidIt(m, used!.id);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain("already used");
    const [still] = await m.db.select().from(vouchers).where(eq(vouchers.id, used!.id));
    expect(still!.status).toBe("redeemed");

    const other = await makeMerchant();
    expect((await voidIt(other, used!.id)).status).toBe(404);
    expect((await voidIt(m, "vch_missing")).status).toBe(404);
  });
});
