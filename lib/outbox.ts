import type { Executor } from "../db/client";
import { outboxEvents } from "../db/schema";
import { newId } from "./ids";

/** Domain events. Names are `<noun>.<past tense>`; payloads stay small and carry ids. */
export type DomainEvent =
  | { type: "card.enrolled"; payload: { cardId: string; programId: string; customerId: string } }
  | { type: "card.balance_changed"; payload: { cardId: string; programId: string; entryId: string; kind: string; amount: number; balance: number } }
  | { type: "tier.changed"; payload: { cardId: string; programId: string; from: string | null; to: string | null } }
  | { type: "voucher.issued"; payload: { voucherId: string; cardId: string; rewardId: string | null; title: string } }
  | { type: "voucher.redeemed"; payload: { voucherId: string; cardId: string; title: string } }
  | { type: "program.changed"; payload: { programId: string } }
  | { type: "reward.changed"; payload: { rewardId: string; programId: string } };

export type EventType = DomainEvent["type"];

/** Records events inside the caller's transaction; dispatch happens after commit. */
export async function recordEvents(db: Executor, merchantId: string, events: DomainEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map((e) => ({ id: newId("evt"), merchantId, type: e.type, payload: e.payload as Record<string, unknown> }));
  await db.insert(outboxEvents).values(rows);
  return rows.map((r) => r.id);
}
