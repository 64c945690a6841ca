import { and, desc, eq, gt, lte, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { cards, customers, vouchers, type Voucher } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import { now, type Ctx } from "../context";
import { AppError } from "../errors";
import { EntityId } from "../ids";

const PAGE = 50;

/** What a voucher is now: `issued` (open: still to use), `redeemed`, `void` (cancelled) or `expired` (never used, past its date). */
export const VOUCHER_STATES = ["issued", "redeemed", "void", "expired"] as const;
export type VoucherState = (typeof VOUCHER_STATES)[number];

export const ListVouchersInput = z
  .object({
    cardId: EntityId.optional().describe("Only this card's vouchers."),
    email: z.email().max(254).toLowerCase().optional().describe("Only the vouchers of this customer's cards (any case)."),
    status: z.enum(VOUCHER_STATES).optional().describe("issued (open), redeemed, void (cancelled) or expired (issued, never used, past its date)."),
    locationId: EntityId.optional().describe("Only vouchers given or used at this location."),
    cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
    limit: z.coerce.number().int().min(1).max(200).optional().describe(`Page size (default ${PAGE})`),
  })
  .strict();
export type ListVouchersInput = z.input<typeof ListVouchersInput>;

export const voucherState = (v: Pick<Voucher, "status" | "expiresAt">, at = new Date()): VoucherState =>
  v.status === "issued" && v.expiresAt <= at ? "expired" : v.status;

/**
 * The business's vouchers, newest first by (created, id) — a stable order, so paging never skips
 * or repeats one. `cursor` is the opaque `nextCursor` of the previous page.
 */
export async function listVouchers(ctx: Ctx, raw: ListVouchersInput): Promise<{ data: Voucher[]; nextCursor: string | null }> {
  assertCan(ctx.actor, "vouchers:read");
  const input = ListVouchersInput.parse(raw);
  const limit = input.limit ?? PAGE;
  const at = now(ctx);
  const where: (SQL | undefined)[] = [eq(vouchers.merchantId, ctx.merchantId)];
  if (input.cardId) where.push(eq(vouchers.cardId, input.cardId));
  if (input.email) where.push(eq(customers.email, input.email));
  if (input.locationId) where.push(or(eq(vouchers.redeemedLocationId, input.locationId), eq(vouchers.issuedLocationId, input.locationId)));
  if (input.status === "issued") where.push(and(eq(vouchers.status, "issued"), gt(vouchers.expiresAt, at)));
  else if (input.status === "expired") where.push(and(eq(vouchers.status, "issued"), lte(vouchers.expiresAt, at)));
  else if (input.status) where.push(eq(vouchers.status, input.status));
  const after = input.cursor ? decodeCursor(input.cursor) : null;
  if (after) where.push(sql`(${vouchers.createdAt}, ${vouchers.id}) < (${after.at}::timestamptz, ${after.id})`);
  const base = ctx.db.select({ voucher: vouchers, at: sql<string>`${vouchers.createdAt}::text` }).from(vouchers);
  const rows = await (input.email ? base.innerJoin(cards, eq(cards.id, vouchers.cardId)).innerJoin(customers, eq(customers.id, cards.customerId)) : base)
    .where(and(...where))
    .orderBy(desc(vouchers.createdAt), desc(vouchers.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { data: page.map((r) => r.voucher), nextCursor: rows.length > limit && last ? encodeCursor(last.at, last.voucher.id) : null };
}

// Postgres's text form of a timestamptz and the voucher's id.
const CursorTuple = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/), EntityId]);

function encodeCursor(at: string, id: string) {
  return Buffer.from(JSON.stringify([at, id])).toString("base64url");
}

function decodeCursor(cursor: string): { at: string; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const read = CursorTuple.safeParse(parsed);
  if (!read.success) throw new AppError("invalid", "cursor is not one this API gave out", { errors: [{ path: "cursor", message: "unknown cursor" }] });
  return { at: read.data[0], id: read.data[1] };
}
