import { expect } from "vitest";
import { queryRows, sql, type Executor } from "@/db/client";

type Row = { id: string; balance: number; entries: number; lots: number; last_balance_after: number | null; bad_lots: number };

/**
 * The ledger's promises, checked in one statement (one snapshot) for every card of a merchant or for one card:
 * the cached balance equals the sum of the card's entries, equals the sum of its open lots (of its positive
 * part: a refund of spent points may leave it below zero, lib/ledger/refund.ts), equals the
 * balance_after of its latest entry; and no lot holds less than nothing or more than it was opened with.
 * Returns the balances by card id.
 */
export async function expectLedgerConsistent(db: Executor, scope: { merchantId: string } | { cardId: string }): Promise<Map<string, number>> {
  const where = "cardId" in scope ? sql`c.id = ${scope.cardId}` : sql`c.merchant_id = ${scope.merchantId}`;
  const rows = await queryRows<Row>(
    db,
    sql`select c.id, c.balance,
          coalesce((select sum(e.amount) from ledger_entries e where e.card_id = c.id), 0)::int as entries,
          coalesce((select sum(l.remaining) from point_lots l where l.card_id = c.id and l.remaining > 0), 0)::int as lots,
          (select e.balance_after from ledger_entries e where e.card_id = c.id order by e.seq desc limit 1) as last_balance_after,
          (select count(*) from point_lots l where l.card_id = c.id and (l.remaining < 0 or l.remaining > l.amount))::int as bad_lots
        from cards c where ${where}`,
  );
  if ("cardId" in scope) expect(rows, `card ${scope.cardId} exists`).toHaveLength(1);
  for (const r of rows) {
    const shown = { card: r.id, balance: r.balance, entries: r.entries, lots: r.lots, lastBalanceAfter: r.last_balance_after, badLots: r.bad_lots };
    expect(shown, "sum of entries = balance = sum of open lots = last balance_after").toEqual({
      card: r.id,
      balance: r.balance,
      entries: r.balance,
      lots: Math.max(0, r.balance),
      lastBalanceAfter: r.last_balance_after === null && r.balance === 0 ? null : r.balance,
      badLots: 0,
    });
  }
  return new Map(rows.map((r) => [r.id, Number(r.balance)]));
}
