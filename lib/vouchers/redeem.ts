import { and, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import { cards, vouchers, type Voucher } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import { now, withTransaction, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId, normalizeCode } from "../ids";
import { assertOwnLocation } from "../locations/verbs";
import { eventsSql } from "../outbox";
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
 * conditional UPDATE, so of many simultaneous attempts exactly one finds it still `issued`.
 */
export async function redeemVoucher(ctx: Ctx, raw: RedeemVoucherInput): Promise<Voucher> {
  assertCan(ctx.actor, "vouchers:use");
  const input = quickRedeemVoucherInput(raw) ?? RedeemVoucherInput.parse(raw);
  const locationId = boundLocation(ctx, input.locationId);
  const at = now(ctx);
  const lookup =
    "token" in input
      ? eq(vouchers.id, verifyQr(input.token, { merchantId: ctx.merchantId, kind: "voucher", now: at }).id)
      : eq(vouchers.code, normalizeCode(input.code));

  return withTransaction(ctx, async (tx) => {
    // A location of another business (or none at all) is refused, not recorded.
    if (input.locationId) await assertOwnLocation(tx, input.locationId);
    const [used] = await tx.db
      .update(vouchers)
      .set({ status: "redeemed", redeemedAt: at, redeemedBy: ctx.actor.id, redeemedLocationId: locationId ?? null })
      .where(and(lookup, eq(vouchers.merchantId, ctx.merchantId), eq(vouchers.status, "issued"), gt(vouchers.expiresAt, at)))
      .returning();
    if (!used) {
      const [existing] = await tx.db
        .select()
        .from(vouchers)
        .where(and(lookup, eq(vouchers.merchantId, ctx.merchantId)));
      if (!existing) throw notFound("Voucher");
      if (existing.status === "redeemed") {
        throw new AppError("already_redeemed", `This voucher was already used${existing.redeemedAt ? ` on ${existing.redeemedAt.toISOString()}` : ""}.`);
      }
      if (existing.status === "void") throw new AppError("expired", "This voucher was cancelled.");
      throw new AppError("expired", `This voucher expired on ${existing.expiresAt.toISOString().slice(0, 10)}.`);
    }
    // The card's version and activity, and the event with its NOTIFY, in one statement (the update runs as a CTE).
    const { insert, notify } = eventsSql(ctx.merchantId, [{ type: "voucher.redeemed", payload: { voucherId: used.id, cardId: used.cardId, title: used.title } }]);
    await tx.db.execute(sql`with card as (
        update ${cards} set version = version + 1, last_activity_at = ${at.toISOString()}::timestamptz, updated_at = ${at.toISOString()}::timestamptz
        where id = ${used.cardId}
      ), inserted as (${insert})
      select ${notify}`);
    return used;
  });
}
