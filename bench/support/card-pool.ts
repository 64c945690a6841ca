// Cards for long or fast earn loads. The fraud rules hold a card that earns more than 5 times in one
// clock hour (lib/fraud/thresholds.ts; its earns then answer 409 card_held, rightly), so a load that
// must see no errors hands each card out a few times only, and adds cards in SQL as it needs them
// (shaped like the API's: a customer each, in the shop's program): seconds for 10,000, not minutes.
import { randomBytes } from "node:crypto";
import type postgres from "postgres";

export type CardPool = { ids: string[]; handedOut: () => number; pick: () => string; add: (count: number) => Promise<void>; ensure: (moreEarns: number) => Promise<void> };

/**
 * Cards handed out in blocks: the pool walks a block of this many cards `earnsPerCard` times over
 * before it moves to the next block, so one card's earns are a block's worth of picks apart. Handed
 * out one card `earnsPerCard` times in a row, consecutive picks ran at once on different connections
 * and queued on the card's row lock: in a soak at ~270 earns/s the locking select then averaged
 * 25 ms, seven requests at a time waiting on each other, which no real shop's traffic does.
 */
const BLOCK = 1000;

export function cardPool(sql: postgres.Sql, shop: { merchantId: string; programId: string; cards: { id: string }[] }, earnsPerCard = 4): CardPool {
  const ids = shop.cards.map((c) => c.id);
  let handedOut = 0;
  const add = async (count: number) => {
    if (count <= 0) return;
    const label = randomBytes(4).toString("hex");
    await sql`insert into customers (id, merchant_id, email, created_at, updated_at)
              select ${`cus_pool${label}_`} || g, ${shop.merchantId}, 'pool' || g || ${`.${label}@example.test`}, now(), now() from generate_series(1, ${count}) g`;
    const rows = await sql<{ id: string }[]>`
      insert into cards (id, merchant_id, program_id, customer_id, public_token, wallet_auth_token, referral_code)
      select ${`crd_pool${label}_`} || g, ${shop.merchantId}, ${shop.programId}, ${`cus_pool${label}_`} || g,
             ${`pt${label}`} || md5(random()::text), md5(random()::text), ${`R${label}-`} || g
      from generate_series(1, ${count}) g returning id`;
    ids.push(...rows.map((r) => r.id));
  };
  return {
    ids,
    handedOut: () => handedOut,
    pick: () => {
      const n = handedOut++;
      const block = Math.floor(n / (BLOCK * earnsPerCard));
      return ids[(block * BLOCK + (n % BLOCK)) % ids.length]!;
    },
    add,
    /** Enough cards (whole blocks) that `moreEarns` more earns keep every card within its share. */
    ensure: (moreEarns) => add(Math.ceil((handedOut + moreEarns) / (BLOCK * earnsPerCard)) * BLOCK - ids.length),
  };
}
