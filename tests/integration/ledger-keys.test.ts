import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDbHandle, queryRows } from "@/db/client";
import { cards, ledgerEntries, merchants, pointLots } from "@/db/schema";
import { withTransaction } from "@/lib/context";
import { earn } from "@/lib/ledger/earn";
import { newId } from "@/lib/ids";
import { makeCard, makeMerchant, makeProgram } from "../support/fixtures";

/** The database's error code under drizzle's wrapper (postgres.js and PGlite put it on the cause). */
async function failureCode(write: Promise<unknown>): Promise<string | undefined> {
  try {
    await write;
  } catch (error) {
    const e = error as { code?: string; cause?: { code?: string } };
    return e.cause?.code ?? e.code;
  }
  return undefined;
}

describe("the ledger's keys", () => {
  it("an entry or a lot can only name its own card's merchant", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const card = await makeCard(a, (await makeProgram(a)).id);
    const entry = { id: newId("ent"), cardId: card.id, kind: "adjust" as const, amount: 5, balanceAfter: 5, actorType: "system" as const, source: "test" };
    // Merchant b writing onto merchant a's card: refused by the database whatever code tries it.
    expect(await failureCode(a.db.insert(ledgerEntries).values({ ...entry, merchantId: b.merchantId }))).toBe("23503");
    const lot = { id: newId("lot"), cardId: card.id, entryId: entry.id, amount: 5, remaining: 5 };
    expect(await failureCode(a.db.insert(pointLots).values({ ...lot, merchantId: b.merchantId }))).toBe("23503");
    expect(await a.db.select().from(ledgerEntries).where(eq(ledgerEntries.cardId, card.id))).toHaveLength(0);

    // The card's own merchant writes as ever.
    await a.db.insert(ledgerEntries).values({ ...entry, merchantId: a.merchantId });
    await a.db.insert(pointLots).values({ ...lot, merchantId: a.merchantId });
    expect(await a.db.select().from(pointLots).where(eq(pointLots.cardId, card.id))).toHaveLength(1);
  });

  it("a merchant's deletion still takes its entries and lots with it, through its cards", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    await earn(m.ctx, { cardId: card.id, points: 40 });
    expect(await m.db.select().from(pointLots).where(eq(pointLots.merchantId, m.merchantId))).toHaveLength(1);
    await m.db.delete(merchants).where(eq(merchants.id, m.merchantId));
    expect(await m.db.select().from(cards).where(eq(cards.merchantId, m.merchantId))).toHaveLength(0);
    expect(await m.db.select().from(ledgerEntries).where(eq(ledgerEntries.merchantId, m.merchantId))).toHaveLength(0);
    expect(await m.db.select().from(pointLots).where(eq(pointLots.merchantId, m.merchantId))).toHaveLength(0);
  });

  // PGlite has one connection: no second session can ask for the row while the first holds it.
  it.runIf((process.env.TEST_DB ?? "pglite") === "postgres")("an earn in flight holds no lock on its merchant's row (every earn of a business took one)", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    const others = getDbHandle().db;
    await withTransaction(m.ctx, async (tx) => {
      await earn(tx, { cardId: card.id, points: 25 });
      // From another connection while the earn's transaction is open: the merchant's row is free
      // (a key-share lock from a foreign-key check would refuse this at once with 55P03)…
      const merchant = await queryRows(others, sql`select id from merchants where id = ${m.merchantId} for update nowait`);
      expect(merchant).toHaveLength(1);
      // …and the card's is the earn's, as it must be.
      expect(await failureCode(others.execute(sql`select id from cards where id = ${card.id} for update nowait`))).toBe("55P03");
    });
    const [after] = await m.db.select({ balance: cards.balance }).from(cards).where(eq(cards.id, card.id));
    expect(after!.balance).toBe(25);
  });
});
