import { and, desc, eq, lt } from "drizzle-orm";
import { z } from "zod";
import { cards, ledgerEntries, vouchers, type Card, type LedgerEntry, type Voucher } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import type { Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { verifyQr } from "../tokens/qr";
import { SafeText } from "../input";

export async function getCard(ctx: Ctx, cardId: string): Promise<Card> {
  assertCan(ctx.actor, "cards:read");
  const [card] = await ctx.db
    .select()
    .from(cards)
    .where(and(eq(cards.id, cardId), eq(cards.merchantId, ctx.merchantId)));
  if (!card || (ctx.actor.type === "customer" && card.customerId !== ctx.actor.id)) throw notFound("Card");
  return card;
}

const PAGE = 50;

/** A page of entries; strings are read as numbers, so a query string parses too. */
export const ListEntriesInput = z.object({
  cursor: SafeText.max(100).optional().describe("nextCursor of the previous page"),
  limit: z.coerce.number().int().min(1).max(200).optional().describe(`Page size (default ${PAGE})`),
});
export type ListEntriesInput = z.output<typeof ListEntriesInput>;

/** Entries newest first, `limit` at a time; `cursor` is the opaque `nextCursor` of the previous page. */
export async function listEntries(ctx: Ctx, { cardId, cursor, limit: asked }: { cardId: string } & ListEntriesInput): Promise<{ data: LedgerEntry[]; nextCursor: string | null }> {
  await getCard(ctx, cardId);
  const limit = Math.min(Math.max(asked ?? PAGE, 1), 200);
  const before = cursor ? decodeCursor(cursor) : null;
  const rows = await ctx.db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.cardId, cardId), before === null ? undefined : lt(ledgerEntries.seq, before)))
    .orderBy(desc(ledgerEntries.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { data: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.seq) : null };
}

function encodeCursor(seq: number) {
  return Buffer.from(`s:${seq}`).toString("base64url");
}

function decodeCursor(cursor: string): number {
  const match = /^s:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw new AppError("invalid", "cursor is not one this API gave out", { errors: [{ path: "cursor", message: "unknown cursor" }] });
  return Number(match[1]);
}

export const ScanInput = z.object({ token: SafeText.min(10).max(1000) }).strict();
export type ScanInput = z.infer<typeof ScanInput>;

/** What a scanned QR is: a card, or a voucher with its card. Verifies signature, merchant and expiry. */
export async function scan(ctx: Ctx, token: string): Promise<{ kind: "card"; card: Card } | { kind: "voucher"; card: Card; voucher: Voucher }> {
  assertCan(ctx.actor, "cards:read");
  const payload = verifyQr(token, { merchantId: ctx.merchantId, now: ctx.now?.() });
  if (payload.t === "card") return { kind: "card", card: await getCard(ctx, payload.id) };
  const [voucher] = await ctx.db
    .select()
    .from(vouchers)
    .where(and(eq(vouchers.id, payload.id), eq(vouchers.merchantId, ctx.merchantId)));
  if (!voucher) throw notFound("Voucher");
  return { kind: "voucher", voucher, card: await getCard(ctx, voucher.cardId) };
}
