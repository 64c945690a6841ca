import { and, desc, eq, inArray } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { cards, customers, ledgerEntries, programs, vouchers } from "../../db/schema";
import { EVENT_CATALOGUE, FEED_EVENTS, type FeedEventType } from "../events/catalogue";
import { can } from "../auth/permissions";
import type { Actor } from "../context";
import { formatMoney } from "../money";
import type { NotifiedEvent } from "../outbox";

/** One line of the live activity feed. */
export type FeedItem = {
  id: string;
  at: string;
  kind: "earn" | "redeem" | "adjust" | "expire" | "reverse" | "bonus" | "payout" | "joined" | "voucher_used" | "voucher_issued";
  /** The event behind the line, in the catalogue's words (lib/events/catalogue.ts). */
  label: string;
  who: string;
  text: string;
  /** A reward handed over at the counter: the dashboard celebrates these. */
  celebrate: boolean;
};

/** Whether the feed shows an event: the catalogue marks those with `feed`. */
export function isFeedEvent(event: Pick<NotifiedEvent, "type">): boolean {
  return FEED_EVENTS.has(event.type);
}

const label = (type: FeedEventType) => EVENT_CATALOGUE[type].label;

/** Whether the viewer may see who the customer is (`customers:read`); others see the member code. */
export type FeedAudience = { showNames: boolean };

/** The feed as this actor may see it: names only with `customers:read` (a partner sees member codes). */
export function feedAudience(actor: Actor): FeedAudience {
  return { showNames: can(actor, "customers:read") };
}

function displayName(c: { name: string | null; email: string; erasedAt: Date | null; memberCode: string }, audience: FeedAudience) {
  if (c.erasedAt) return "Erased customer";
  if (!audience.showNames) return `Member ${c.memberCode}`;
  if (c.name) return c.name;
  const [local] = c.email.split("@");
  return local ? `${local.slice(0, 2)}…@${c.email.split("@")[1] ?? ""}` : "A customer";
}

function unit(program: { programKind: string; currency: string }, amount: number) {
  const abs = Math.abs(amount);
  const kind = program.programKind;
  if (kind === "stamps") return `${abs} stamp${abs === 1 ? "" : "s"}`;
  if (kind === "cashback") return `${formatMoney(abs, program.currency)} cashback`;
  return `${abs.toLocaleString("en")} point${abs === 1 ? "" : "s"}`;
}

async function cardContext(db: Executor, merchantId: string, cardId: string) {
  const [row] = await db
    .select({ name: customers.name, email: customers.email, erasedAt: customers.erasedAt, memberCode: cards.referralCode, programKind: programs.kind, currency: programs.currency, programName: programs.name })
    .from(cards)
    .innerJoin(customers, eq(customers.id, cards.customerId))
    .innerJoin(programs, eq(programs.id, cards.programId))
    .where(and(eq(cards.id, cardId), eq(cards.merchantId, merchantId)));
  return row ?? null;
}

/** Turns a committed domain event into a feed line, or null for events the feed does not show. */
export async function describeEvent(db: Executor, event: NotifiedEvent, audience: FeedAudience): Promise<FeedItem | null> {
  if (!isFeedEvent(event)) return null;
  const p = event.payload as Record<string, unknown>;
  const card = await cardContext(db, event.merchantId, String(p.cardId));
  if (!card) return null;
  const who = displayName(card, audience);
  const base = { id: event.id, at: event.at, who };
  switch (event.type) {
    case "card.enrolled":
      return { ...base, kind: "joined", label: label(event.type), text: `joined ${card.programName}`, celebrate: false };
    case "voucher.redeemed":
      return { ...base, kind: "voucher_used", label: label(event.type), text: `redeemed ${String(p.title)}`, celebrate: true };
    case "voucher.issued":
      return { ...base, kind: "voucher_issued", label: label(event.type), text: `unlocked ${String(p.title)}`, celebrate: false };
    case "card.balance_changed":
      return { ...base, label: label(event.type), ...entryText(String(p.kind), Number(p.amount), Number(p.balance), card) };
    default:
      return null;
  }
}

function entryText(kind: string, amount: number, balance: number, program: { programKind: string; currency: string }): Pick<FeedItem, "kind" | "text" | "celebrate"> {
  const what = unit(program, amount);
  const now = `now ${unit(program, balance)}`;
  const verbs: Record<string, string> = {
    earn: `earned ${what}`,
    bonus: `got a bonus of ${what}`,
    redeem: `spent ${what} on a reward`,
    adjust: `${amount > 0 ? "was credited" : "was debited"} ${what} by hand`,
    expire: `lost ${what} to expiry`,
    reverse: `had ${what} reversed`,
    payout: `was paid out ${what}`,
  };
  return { kind: (kind in verbs ? kind : "adjust") as FeedItem["kind"], text: `${verbs[kind] ?? `changed by ${what}`} · ${now}`, celebrate: false };
}

/** The latest activity, for the feed's first paint before live events arrive. */
export async function recentActivity(db: Executor, merchantId: string, audience: FeedAudience, limit = 15): Promise<FeedItem[]> {
  const entries = await db
    .select({ id: ledgerEntries.id, at: ledgerEntries.createdAt, kind: ledgerEntries.kind, amount: ledgerEntries.amount, balance: ledgerEntries.balanceAfter, cardId: ledgerEntries.cardId })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.merchantId, merchantId))
    .orderBy(desc(ledgerEntries.createdAt))
    .limit(limit);
  const used = await db
    .select({ id: vouchers.id, at: vouchers.redeemedAt, title: vouchers.title, cardId: vouchers.cardId })
    .from(vouchers)
    .where(and(eq(vouchers.merchantId, merchantId), eq(vouchers.status, "redeemed")))
    .orderBy(desc(vouchers.redeemedAt))
    .limit(5);
  const cardIds = [...new Set([...entries.map((e) => e.cardId), ...used.map((v) => v.cardId)])];
  const info = cardIds.length
    ? await db
        .select({ cardId: cards.id, name: customers.name, email: customers.email, erasedAt: customers.erasedAt, memberCode: cards.referralCode, programKind: programs.kind, currency: programs.currency })
        .from(cards)
        .innerJoin(customers, eq(customers.id, cards.customerId))
        .innerJoin(programs, eq(programs.id, cards.programId))
        .where(inArray(cards.id, cardIds))
    : [];
  const byCard = new Map(info.map((i) => [i.cardId, i]));
  const items: FeedItem[] = [];
  for (const e of entries) {
    const c = byCard.get(e.cardId);
    if (!c) continue;
    items.push({ id: e.id, at: e.at.toISOString(), who: displayName(c, audience), label: label("card.balance_changed"), ...entryText(e.kind, e.amount, e.balance, c) });
  }
  for (const v of used) {
    const c = byCard.get(v.cardId);
    if (!c || !v.at) continue;
    items.push({ id: v.id, at: v.at.toISOString(), who: displayName(c, audience), kind: "voucher_used", label: label("voucher.redeemed"), text: `redeemed ${v.title}`, celebrate: false });
  }
  return items.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
}
