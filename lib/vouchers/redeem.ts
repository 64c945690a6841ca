import { and, eq, getTableColumns, gt, sql } from "drizzle-orm";
import { z } from "zod";
import { cards, locations, vouchers, type Voucher } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import { now, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId, normalizeCode } from "../ids";
import { assertOwnLocation } from "../locations/verbs";
import { eventIfRowSql } from "../outbox";
import { verifyQr } from "../tokens/qr";
import { hasControlChars, SafeText } from "../input";
import { boundLocation } from "../api-keys/scopes";

export const RedeemVoucherInput = z.union([
  z.object({ code: SafeText.min(4).max(20), locationId: EntityId.optional() }).strict(),
  z.object({ token: SafeText.min(10).max(1000), locationId: EntityId.optional() }).strict(),
]);
export type RedeemVoucherInput = z.infer<typeof RedeemVoucherInput>;

/**
 * RedeemVoucherInput.parse for the everyday body, `{ code }` alone, checked by hand (zod tries both
 * arms of the union, on the API path twice). What this accepts, the schema accepts and returns alike;
 * anything else is undefined, for the caller to ask zod. The API route uses it as its `quickBody`.
 */
export function quickRedeemVoucherInput(raw: unknown): RedeemVoucherInput | undefined {
  if (typeof raw !== "object" || raw === null || Object.getPrototypeOf(raw) !== Object.prototype) return undefined;
  const keys = Object.keys(raw);
  const code = (raw as { code?: unknown }).code;
  if (keys.length !== 1 || keys[0] !== "code" || typeof code !== "string") return undefined;
  return code.length >= 4 && code.length <= 20 && !hasControlChars(code) ? { code } : undefined;
}

/**
 * Marks a voucher used. Succeeds once, whatever the concurrency: the status flips in a single
 * conditional UPDATE, so of many simultaneous attempts exactly one finds it still `issued`. That
 * update, the card's version and activity and the `voucher.redeemed` event with its NOTIFY are one
 * statement (the update as a CTE the others read), atomic without a transaction of its own: the API
 * route runs it alone (`atomicVerb`), the scanner inside its idempotency key's transaction.
 */
export async function redeemVoucher(ctx: Ctx, raw: RedeemVoucherInput): Promise<Voucher> {
  assertCan(ctx.actor, "vouchers:use");
  const input = quickRedeemVoucherInput(raw) ?? RedeemVoucherInput.parse(raw);
  const locationId = boundLocation(ctx, input.locationId);
  const at = now(ctx);
  const lookup = and(
    "token" in input
      ? eq(vouchers.id, verifyQr(input.token, { merchantId: ctx.merchantId, kind: "voucher", now: at }).id)
      : eq(vouchers.code, normalizeCode(input.code)),
    eq(vouchers.merchantId, ctx.merchantId),
  );
  // A location of another business (or none at all) is refused, not recorded.
  const ownLocation = input.locationId ? sql`exists (select 1 from ${locations} where ${locations.id} = ${input.locationId} and ${locations.merchantId} = ${ctx.merchantId})` : undefined;

  const used = ctx.db.$with("used").as(
    ctx.db
      .update(vouchers)
      .set({ status: "redeemed", redeemedAt: at, redeemedBy: ctx.actor.id, redeemedLocationId: locationId ?? null })
      .where(and(lookup, eq(vouchers.status, "issued"), gt(vouchers.expiresAt, at), ownLocation))
      .returning(),
  );
  const stamp = at.toISOString();
  const card = ctx.db.$with("card", {}).as(sql`update ${cards} set version = version + 1, last_activity_at = ${stamp}::timestamptz, updated_at = ${stamp}::timestamptz
    where id = (select card_id from used)`);
  const event = eventIfRowSql(ctx.merchantId, "voucher.redeemed", sql`used`, sql`jsonb_build_object('voucherId', used.id, 'cardId', used.card_id, 'title', used.title)`);
  const events = ctx.db.$with("events", {}).as(event.insert);
  const [row] = await ctx.db
    .with(used, card, events)
    .select({ ...usedColumns(used), notified: sql`${event.notify}`.as("notified") })
    .from(used);
  if (row) {
    const { notified: _, ...voucher } = row;
    return voucher;
  }

  if (input.locationId) await assertOwnLocation(ctx, input.locationId);
  const [existing] = await ctx.db.select().from(vouchers).where(lookup);
  if (!existing) throw notFound("Voucher");
  if (existing.status === "redeemed") {
    throw new AppError("already_redeemed", `This voucher was already used${existing.redeemedAt ? ` on ${existing.redeemedAt.toISOString()}` : ""}.`);
  }
  if (existing.status === "void") throw new AppError("expired", "This voucher was cancelled.");
  throw new AppError("expired", `This voucher expired on ${existing.expiresAt.toISOString().slice(0, 10)}.`);
}

const VOUCHER_KEYS = Object.keys(getTableColumns(vouchers)) as (keyof typeof vouchers.$inferSelect)[];

/** The voucher's columns as the `used` CTE returns them (read through the CTE's name, mapped like the table's). */
function usedColumns<T extends Record<(typeof VOUCHER_KEYS)[number], unknown>>(used: T): Pick<T, (typeof VOUCHER_KEYS)[number]> {
  return Object.fromEntries(VOUCHER_KEYS.map((k) => [k, used[k]])) as Pick<T, (typeof VOUCHER_KEYS)[number]>;
}
