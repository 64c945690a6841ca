// Cards for long or fast earn loads. The fraud rules hold a card that earns more than 5 times in one
// clock hour (lib/fraud/thresholds.ts; its earns then answer 409 card_held, rightly), so a load that
// must see no errors hands each card out a few times only, and adds cards in SQL as it needs them
// (shaped like the API's: a customer each, in the shop's program): seconds for 10,000, not minutes.
import { randomBytes } from "node:crypto";
import type postgres from "postgres";

export type CardPool = { ids: string[]; handedOut: () => number; pick: () => string; add: (count: number) => Promise<void>; ensure: (moreEarns: number) => Promise<void> };

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
    pick: () => ids[Math.floor(handedOut++ / earnsPerCard) % ids.length]!,
    add,
    /** Enough cards that `moreEarns` more earns keep every card within its share. */
    ensure: (moreEarns) => add(Math.ceil((handedOut + moreEarns) / earnsPerCard) - ids.length),
  };
}
