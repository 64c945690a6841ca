import { and, eq, isNull, sql } from "drizzle-orm";
import type { Executor, Tx } from "../../db/client";
import { cards, connectorEvents, connectors, customers, programs, type ConnectorOutcome, type ConnectorProvider, type Program } from "../../db/schema";
import { systemActor, withTransaction, type Ctx, type TxCtx } from "../context";
import { decryptSecret } from "../crypto/secrets";
import { isAppError } from "../errors";
import { newId } from "../ids";
import { earn } from "../ledger/earn";
import { refundPoints } from "../ledger/refund";
import { formatMoney } from "../money";
import { shopify } from "./shopify";
import { square } from "./square";
import { stripe } from "./stripe";
import type { Adapter, Delivery, Mapped } from "./types";

/**
 * The one pipeline of every connector delivery, real or a test: find the connector named in the
 * URL, verify the signature with the provider's SDK, map the event, find the customer (in that
 * business only), then earn or take back in one transaction with a log row saying what happened.
 * The idempotency key (order, payment intent, payment, refund) is claimed with the log row: a
 * second delivery changes nothing and is logged as a duplicate.
 */

const ADAPTERS: Record<ConnectorProvider, Adapter> = { shopify, stripe, square };

export type Received = { status: number; outcome: ConnectorOutcome | "unknown_connector"; message: string };

type Row = typeof connectorEvents.$inferInsert;

export async function receiveDelivery(
  db: Executor,
  args: { provider: ConnectorProvider; connectorId: string; delivery: Delivery; test?: boolean; now?: () => Date },
): Promise<Received> {
  const [found] = await db
    .select({ connector: connectors, program: programs })
    .from(connectors)
    .innerJoin(programs, eq(programs.id, connectors.programId))
    .where(and(eq(connectors.id, args.connectorId), eq(connectors.provider, args.provider)));
  if (!found) return { status: 404, outcome: "unknown_connector", message: "No connector has this address." };
  const { connector, program } = found;
  const test = args.test ?? false;
  const log = (row: Omit<Row, "id" | "merchantId" | "connectorId" | "test">) =>
    db.insert(connectorEvents).values({ id: newId("cev"), merchantId: connector.merchantId, connectorId: connector.id, test, ...row });

  const adapter = ADAPTERS[args.provider];
  if (!connector.secret) {
    await log({ topic: "unknown", outcome: "bad_signature", message: "No signing secret is stored yet: paste it on the setup page." });
    return { status: 401, outcome: "bad_signature", message: "This connector has no signing secret yet." };
  }
  const verified = await adapter.verify(args.delivery, decryptSecret(connector.secret));
  if (!verified.ok) {
    await log({ topic: printable(verified.topic), outcome: "bad_signature", message: verified.reason });
    return { status: 401, outcome: "bad_signature", message: verified.reason };
  }
  const mapped = adapter.map(verified.topic, verified.payload);
  const ctx: Ctx = { db, merchantId: connector.merchantId, actor: systemActor(connector.id), source: args.provider, now: args.now };
  const result = await withTransaction(ctx, async (tx) => {
    const done = test ? await dryRun(tx, program, mapped) : await apply(tx, connector.id, program, mapped);
    if (!done.written) {
      const { written: _, ...row } = done;
      await tx.db.insert(connectorEvents).values({ id: newId("cev"), merchantId: connector.merchantId, connectorId: connector.id, test, topic: printable(mapped.topic), ...row });
    }
    return done;
  });
  return { status: 200, outcome: result.outcome, message: result.message };
}

type Outcome = { outcome: ConnectorOutcome; message: string; amount?: number | null; currency?: string | null; points?: number | null; cardId?: string | null; entryId?: string | null };
/** What happened, and whether its log row is written already (the claimed key's row). */
type Done = Outcome & { externalId: string | null; written?: boolean };

/** A test delivery: everything but the ledger. Says what a real one would have done. */
async function dryRun(tx: TxCtx, program: Program, mapped: Mapped): Promise<Done> {
  const base = { outcome: "test" as const, externalId: mapped.externalId };
  if (mapped.kind === "ignored") return { ...base, message: `Test: verified; a real delivery would be ignored: ${mapped.message}` };
  if (mapped.kind === "refund") return { ...base, amount: mapped.amount, currency: mapped.currency, message: "Test: verified refund; no points moved." };
  const money = mapped.amount === null ? "an unreadable amount" : formatMoney(mapped.amount, mapped.currency);
  const card = await findCard(tx, program.id, mapped.email, mapped.phone);
  const who = mapped.email ?? mapped.phone ?? "no email or phone";
  const match = card ? `matched the member ${who}` : `found no member with ${who} in this program (a real delivery would be logged as no matching customer)`;
  return { ...base, amount: mapped.amount, currency: mapped.currency, message: `Test: signature verified, a purchase of ${money} read, ${match}. No points moved.` };
}

async function apply(tx: TxCtx, connectorId: string, program: Program, mapped: Mapped): Promise<Done> {
  if (mapped.kind === "ignored") return { outcome: "ignored", externalId: mapped.externalId, message: mapped.message };
  // Claim the key with the log row: a concurrent delivery of the same key waits here, then finds it taken.
  const eventId = newId("cev");
  const claimed = await tx.db
    .insert(connectorEvents)
    .values({ id: eventId, merchantId: tx.merchantId, connectorId, topic: printable(mapped.topic), externalId: mapped.externalId, dedupeKey: mapped.key, outcome: "ignored", message: "" })
    .onConflictDoNothing()
    .returning({ id: connectorEvents.id });
  if (claimed.length === 0) {
    return { outcome: "duplicate", externalId: mapped.externalId, message: `Already received (${mapped.key}): nothing changed.` };
  }
  const outcome = mapped.kind === "purchase" ? await purchase(tx, program, mapped) : await refund(tx, connectorId, program, mapped);
  // Only a delivery that moved points keeps the key: one that found no customer can be sent again later.
  const keep = outcome.outcome === "earned" || outcome.outcome === "reversed";
  await tx.db
    .update(connectorEvents)
    .set({ ...outcome, dedupeKey: keep ? mapped.key : null, orderKey: mapped.kind === "refund" ? mapped.orderKey : mapped.key })
    .where(eq(connectorEvents.id, eventId));
  return { ...outcome, externalId: mapped.externalId, written: true };
}

async function purchase(tx: TxCtx, program: Program, mapped: Extract<Mapped, { kind: "purchase" }>): Promise<Outcome> {
  const money = { amount: mapped.amount, currency: mapped.currency };
  if (mapped.currency !== program.currency) {
    return { ...money, outcome: "currency_mismatch", message: `The purchase is in ${mapped.currency}; ${program.name} earns in ${program.currency}. No points.` };
  }
  if (mapped.amount === null) return { ...money, outcome: "ignored", message: "The amount could not be read." };
  const card = await findCard(tx, program.id, mapped.email, mapped.phone);
  if (!card) return { ...money, outcome: "no_customer", message: `No member of ${program.name} with ${describeWho(mapped.email, mapped.phone)}.` };
  try {
    const result = await savepoint(tx, (inner) => earn(inner, { cardId: card.id, purchase: { amount: mapped.amount!, currency: mapped.currency }, reference: mapped.externalId.slice(0, 200) }));
    return { ...money, outcome: "earned", points: result.entry.amount, cardId: card.id, entryId: result.entry.id, message: `Earned ${result.entry.amount} for ${formatMoney(mapped.amount, mapped.currency)}.` };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { ...money, outcome: "refused", cardId: card.id, message: error.message };
  }
}

async function refund(tx: TxCtx, connectorId: string, program: Program, mapped: Extract<Mapped, { kind: "refund" }>): Promise<Outcome> {
  const money = { amount: mapped.amount, currency: mapped.currency };
  if (mapped.currency !== program.currency) return { ...money, outcome: "currency_mismatch", message: `The refund is in ${mapped.currency}; ${program.name} earns in ${program.currency}.` };
  if (mapped.amount === null) return { ...money, outcome: "ignored", message: "The amount could not be read." };
  const [earned] = await tx.db
    .select()
    .from(connectorEvents)
    .where(and(eq(connectorEvents.connectorId, connectorId), eq(connectorEvents.dedupeKey, mapped.orderKey), eq(connectorEvents.outcome, "earned")))
    // Refunds of one purchase take turns: each reads what the ones before it took back.
    .for("update");
  if (!earned || !earned.entryId || !earned.cardId || !earned.amount || !earned.points) {
    return { ...money, outcome: "ignored", message: `No points were earned for ${mapped.orderKey}: nothing to take back.` };
  }
  const [before] = await tx.db
    .select({ amount: sql<number>`coalesce(sum(${connectorEvents.amount}), 0)::int`, points: sql<number>`coalesce(sum(-${connectorEvents.points}), 0)::int` })
    .from(connectorEvents)
    .where(and(eq(connectorEvents.connectorId, connectorId), eq(connectorEvents.orderKey, mapped.orderKey), eq(connectorEvents.outcome, "reversed")));
  const refundedBefore = Number(before?.amount ?? 0);
  const takenBefore = Number(before?.points ?? 0);
  // Stripe sends the total refunded so far, the others this refund's amount.
  const increment = mapped.cumulative ? mapped.amount - refundedBefore : mapped.amount;
  const refundedTotal = Math.min(earned.amount, refundedBefore + Math.max(0, increment));
  // The points of the refunded share of the purchase, rounded down, less what earlier refunds took.
  const target = Math.floor((earned.points * refundedTotal) / earned.amount);
  const points = target - takenBefore;
  const purchased = earned.amount;
  if (points <= 0) return { amount: Math.max(0, increment), currency: mapped.currency, outcome: "ignored", cardId: earned.cardId, message: "Nothing more to take back for this refund." };
  try {
    const result = await savepoint(tx, (inner) =>
      refundPoints(inner, { cardId: earned.cardId!, entryId: earned.entryId!, points, final: refundedTotal >= purchased, reference: mapped.externalId.slice(0, 200) }),
    );
    const note = result.owed > 0 ? ` The points were spent: took ${result.taken}, ${result.owed} owed as debt, paid from the next earn.` : result.card.balance < 0 ? ` The points were spent: the balance is now ${result.card.balance}.` : "";
    return {
      amount: Math.max(0, increment),
      currency: mapped.currency,
      outcome: "reversed",
      points: -points,
      cardId: earned.cardId,
      entryId: result.entry.id,
      message: `Took back ${points} for a refund of ${formatMoney(Math.max(0, increment), mapped.currency)}.${note}`,
    };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { ...money, outcome: "refused", cardId: earned.cardId, message: error.message };
  }
}

/** The member's active card in the program, found by email, else by phone (digits only, exactly one match), in this business only. */
async function findCard(tx: TxCtx, programId: string, email: string | null, phone: string | null): Promise<{ id: string } | null> {
  const base = and(eq(customers.merchantId, tx.merchantId), isNull(customers.erasedAt), eq(cards.programId, programId), eq(cards.status, "active"));
  if (email) {
    const [row] = await tx.db.select({ id: cards.id }).from(customers).innerJoin(cards, eq(cards.customerId, customers.id)).where(and(base, eq(customers.email, email)));
    if (row) return row;
  }
  const digits = phone?.replace(/\D/g, "") ?? "";
  if (digits.length >= 7) {
    const rows = await tx.db
      .select({ id: cards.id })
      .from(customers)
      .innerJoin(cards, eq(cards.customerId, customers.id))
      .where(and(base, sql`regexp_replace(coalesce(${customers.phone}, ''), '[^0-9]', '', 'g') = ${digits}`))
      .limit(2);
    if (rows.length === 1) return rows[0]!;
  }
  return null;
}

function describeWho(email: string | null, phone: string | null): string {
  if (email && phone) return `the email ${email} or the phone ${phone}`;
  if (email) return `the email ${email}`;
  if (phone) return `the phone ${phone}`;
  return "an email or phone (the provider sent neither)";
}

/** A topic for the log: read from an unverified body on a refusal, so printable ASCII only (never a NUL Postgres refuses). */
function printable(topic: string): string {
  return topic.replace(/[^\x20-\x7e]/g, "").slice(0, 100) || "unknown";
}

/** Runs a verb in a savepoint: a refusal (a closed card, a held card) rolls back its writes, not the log row. */
async function savepoint<T>(tx: TxCtx, fn: (inner: TxCtx) => Promise<T>): Promise<T> {
  return (tx.db as Tx).transaction((inner) => fn({ ...tx, db: inner as Tx }));
}
