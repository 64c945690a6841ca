import { and, desc, eq, sql } from "drizzle-orm";
import { queryRows } from "../../db/client";
import { cachedStatement, slot } from "../../db/statement";
import { z } from "zod";
import { cards, customers, programs, vouchers, type Voucher } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import { scan } from "./read";
import { now, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { normalizeCode } from "../ids";
import { isQrToken, verifyQr } from "../tokens/qr";
import type { EarnAnswer } from "../ledger/earn";

export const LookupInput = z
  .object({
    code: z
      .string()
      .trim()
      .min(4, "Type the member code, voucher code or customer email")
      .max(1000),
  })
  .strict();

export type ScannedCard = {
  cardId: string;
  customer: string;
  programName: string;
  kind: "points" | "stamps" | "cashback";
  currency: string;
  balance: number;
  tier: string | null;
  stampsRequired: number | null;
  status: "active" | "closed";
  programStatus: "active" | "paused" | "archived";
  openVouchers: Array<{ id: string; code: string; title: string; expiresAt: string }>;
};

export type ScannedVoucher = { id: string; code: string; title: string; status: Voucher["status"]; expiresAt: string; redeemedAt: string | null; expired: boolean };

export type ScanResult = { kind: "card"; card: ScannedCard } | { kind: "voucher"; voucher: ScannedVoucher; card: ScannedCard };

/**
 * The card as the counter shows it, in one statement: the card, its program and customer, and its
 * ten newest open vouchers (a subquery, as JSON); only the columns the view shows. Its text is built
 * once (db/statement.ts): a scan shows the card twice (the lookup, then the earn's answer), and
 * drizzle's builder took ~0.16 ms of CPU to make this statement each time.
 */
async function cardView(ctx: Ctx, cardId: string): Promise<ScannedCard> {
  const [row] = await queryRows<CardViewRow>(ctx.db, CARD_VIEW.bind({}, { cardId, merchantId: ctx.merchantId, at: now(ctx).toISOString() }));
  if (!row) throw notFound("Card");
  // postgres.js hands json back parsed, PGlite as text.
  const open: OpenVoucherRow[] = typeof row.open === "string" ? (JSON.parse(row.open) as OpenVoucherRow[]) : row.open;
  return {
    cardId,
    customer: row.erasedAt ? "Erased customer" : (row.name ?? row.email),
    programName: row.programName,
    kind: row.kind,
    currency: row.currency,
    balance: row.balance,
    tier: row.tier,
    stampsRequired: row.stampsRequired,
    status: row.status,
    programStatus: row.programStatus,
    openVouchers: open.map((v) => ({ id: v.id, code: v.code, title: v.title, expiresAt: new Date(v.expiresAt).toISOString() })),
  };
}

type OpenVoucherRow = { id: string; code: string; title: string; expiresAt: string };
type CardViewRow = {
  balance: number;
  tier: string | null;
  status: ScannedCard["status"];
  programName: string;
  kind: ScannedCard["kind"];
  currency: string;
  stampsRequired: number | null;
  programStatus: ScannedCard["programStatus"];
  name: string | null;
  email: string;
  erasedAt: unknown;
  open: OpenVoucherRow[] | string;
};

const CARD_VIEW = cachedStatement({
  key: () => "view",
  build: () => sql`select c.balance, c.tier, c.status, p.name as "programName", p.kind, p.currency, p.stamps_required as "stampsRequired",
        p.status as "programStatus", cu.name, cu.email, cu.erased_at as "erasedAt",
        (select coalesce(json_agg(json_build_object('id', v.id, 'code', v.code, 'title', v.title, 'expiresAt', v.expires_at) order by v.created_at desc), '[]')
           from (select id, code, title, expires_at, created_at from ${vouchers}
                 where card_id = c.id and status = 'issued' and expires_at > ${slot("at")}::timestamptz
                 order by created_at desc limit 10) v) as open
      from ${cards} c
      join ${programs} p on p.id = c.program_id
      join ${customers} cu on cu.id = c.customer_id
      where c.id = ${slot("cardId")} and c.merchant_id = ${slot("merchantId")}`,
});

function voucherView(ctx: Ctx, v: Voucher): ScannedVoucher {
  return { id: v.id, code: v.code, title: v.title, status: v.status, expiresAt: v.expiresAt.toISOString(), redeemedAt: v.redeemedAt?.toISOString() ?? null, expired: v.expiresAt <= now(ctx) };
}

/**
 * What the cashier scanned or typed: a QR token (card or voucher, signature checked), a voucher
 * code, a member code (shown under the card's QR), or a customer's email.
 */
export async function lookupCode(ctx: Ctx, raw: z.input<typeof LookupInput>): Promise<ScanResult> {
  assertCan(ctx.actor, "cards:read");
  const { code } = LookupInput.parse(raw);
  if (isQrToken(code)) {
    // Another business's code gets the answer an unknown one gets: the counter learns nothing about it.
    const counterError = (error: unknown) => (error instanceof AppError && error.code === "wrong_merchant" ? unknownCode() : error);
    let kind: string;
    let id: string;
    try {
      ({ t: kind, id } = verifyQr(code, { merchantId: ctx.merchantId, now: ctx.now?.() }));
    } catch (error) {
      throw counterError(error);
    }
    // A card's view reads the card itself (a card of another merchant is not found there either).
    if (kind === "card") return { kind: "card", card: await cardView(ctx, id) };
    const found = await scan(ctx, code).catch((error: unknown) => {
      throw counterError(error);
    });
    if (found.kind === "card") return { kind: "card", card: await cardView(ctx, found.card.id) };
    return { kind: "voucher", voucher: voucherView(ctx, found.voucher), card: await cardView(ctx, found.card.id) };
  }
  if (code.includes("@")) {
    const email = code.toLowerCase();
    const [card] = await ctx.db
      .select({ id: cards.id })
      .from(cards)
      .innerJoin(customers, eq(customers.id, cards.customerId))
            // The customer's merchant too: customers_merchant_email_uq finds the one row (by email alone it is a scan of every customer).
      .where(and(eq(cards.merchantId, ctx.merchantId), eq(customers.merchantId, ctx.merchantId), eq(customers.email, email), eq(cards.status, "active")))
      .orderBy(desc(cards.lastActivityAt))
      .limit(1);
    if (!card) throw new AppError("not_found", "No member with that email here.");
    return { kind: "card", card: await cardView(ctx, card.id) };
  }
  const normalized = normalizeCode(code);
  if (normalized.replace(/-/g, "").length < 6) throw new AppError("invalid", "That code is too short. Member and voucher codes look like K7QM-3XPA.");
  const [voucher] = await ctx.db
    .select()
    .from(vouchers)
    .where(and(eq(vouchers.merchantId, ctx.merchantId), eq(vouchers.code, normalized)));
  if (voucher) return { kind: "voucher", voucher: voucherView(ctx, voucher), card: await cardView(ctx, voucher.cardId) };
  // Only this business's cards: whether a code exists elsewhere is not for this counter to know.
  const [card] = await ctx.db
    .select({ id: cards.id })
    .from(cards)
    .where(and(eq(cards.referralCode, normalized), eq(cards.merchantId, ctx.merchantId)));
  if (card) return { kind: "card", card: await cardView(ctx, card.id) };
  throw unknownCode();
}

function unknownCode() {
  return new AppError("not_found", "We could not find that code. Check it, or scan the QR instead.");
}

export async function scannedCard(ctx: Ctx, cardId: string) {
  return cardView(ctx, cardId);
}

/** What the counter shows after an earn: the points or stamps added, the card, the vouchers the earn unlocked. */
export type CounterEarn = { amount: number; card: ScannedCard; vouchersUnlocked: string[] };

/**
 * The counter's earn answer (earnOnce's, stored with the scanner's Idempotency-Key). Without a lock
 * it is made before the write, so the view is read as it was and given the balance and tier the
 * earn leaves; under the lock it is read after the write (the same balance, and any voucher a full
 * stamp card turned into).
 */
export const counterEarnAnswer: EarnAnswer<CounterEarn, 200> = async (ctx, { entry, card, vouchers }) => {
  const view = await cardView(ctx, card.id);
  return { status: 200, body: { amount: entry.amount, card: { ...view, balance: card.balance, tier: card.tier }, vouchersUnlocked: vouchers.map((v) => v.title) } };
};
