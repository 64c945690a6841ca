import { and, asc, desc, eq, gt, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { cards, customers, locations, programs, rewards, segments, vouchers, type Voucher } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import { now, type Ctx } from "../context";
import { EntityId } from "../ids";
import { decodeKeysetCursor, encodeKeysetCursor } from "../paging";

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
  const after = input.cursor ? decodeKeysetCursor(input.cursor) : null;
  if (after) where.push(sql`(${vouchers.createdAt}, ${vouchers.id}) < (${after.at}::timestamptz, ${after.id})`);
  const base = ctx.db.select({ voucher: vouchers, at: sql<string>`${vouchers.createdAt}::text` }).from(vouchers);
  const rows = await (input.email ? base.innerJoin(cards, eq(cards.id, vouchers.cardId)).innerJoin(customers, eq(customers.id, cards.customerId)) : base)
    .where(and(...where))
    .orderBy(desc(vouchers.createdAt), desc(vouchers.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { data: page.map((r) => r.voucher), nextCursor: rows.length > limit && last ? encodeKeysetCursor(last.at, last.voucher.id) : null };
}

export type VoucherRow = Voucher & {
  state: VoucherState;
  customerId: string;
  member: string;
  programName: string;
  redeemedAt: Date | null;
  locationName: string | null;
};

/** A page of vouchers for the dashboard: each with its member, program and the location it was used or given at. */
export async function voucherRows(ctx: Ctx, raw: ListVouchersInput): Promise<{ rows: VoucherRow[]; nextCursor: string | null }> {
  const page = await listVouchers(ctx, raw);
  if (page.data.length === 0) return { rows: [], nextCursor: null };
  const cardIds = [...new Set(page.data.map((v) => v.cardId))];
  const people = await ctx.db
    .select({ cardId: cards.id, customerId: customers.id, name: customers.name, email: customers.email, erasedAt: customers.erasedAt, programName: programs.name })
    .from(cards)
    .innerJoin(customers, eq(customers.id, cards.customerId))
    .innerJoin(programs, eq(programs.id, cards.programId))
    .where(and(eq(cards.merchantId, ctx.merchantId), inArray(cards.id, cardIds)));
  const byCard = new Map(people.map((p) => [p.cardId, p]));
  const places = new Map((await ctx.db.select({ id: locations.id, name: locations.name }).from(locations).where(eq(locations.merchantId, ctx.merchantId))).map((l) => [l.id, l.name]));
  const at = now(ctx);
  return {
    nextCursor: page.nextCursor,
    rows: page.data.map((v) => {
      const p = byCard.get(v.cardId);
      const place = v.redeemedLocationId ?? v.issuedLocationId;
      return {
        ...v,
        state: voucherState(v, at),
        customerId: p?.customerId ?? "",
        member: p?.erasedAt ? "Erased customer" : (p?.name ?? p?.email ?? "—"),
        programName: p?.programName ?? "",
        locationName: place ? (places.get(place) ?? null) : null,
      };
    }),
  };
}

/** What the issue form offers: the catalogue's active rewards and the saved segments, with their programs. */
export async function issueChoices(ctx: Ctx) {
  assertCan(ctx.actor, "vouchers:issue");
  const [catalog, saved] = await Promise.all([
    ctx.db
      .select({ id: rewards.id, name: rewards.name, programId: rewards.programId, programName: programs.name })
      .from(rewards)
      .innerJoin(programs, eq(programs.id, rewards.programId))
      .where(and(eq(rewards.merchantId, ctx.merchantId), eq(rewards.active, true)))
      .orderBy(asc(programs.name), asc(rewards.cost)),
    ctx.db.select({ id: segments.id, name: segments.name }).from(segments).where(eq(segments.merchantId, ctx.merchantId)).orderBy(asc(segments.name)),
  ]);
  return { rewards: catalog, segments: saved };
}
