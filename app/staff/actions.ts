"use server";

import { z } from "zod";
import { withTransaction } from "@/lib/context";
import { counterEarnAnswer, LookupInput, lookupCode, scannedCard } from "@/lib/cards/lookup";
import { AppError } from "@/lib/errors";
import { onceForKey, requestHash } from "@/lib/idempotency";
import { earnOnce } from "@/lib/ledger/earn";
import { CurrencyCode } from "@/lib/money";
import { enforceRateLimit } from "@/lib/rate-limit";
import { isQrToken } from "@/lib/tokens/qr";
import { redeemVoucher } from "@/lib/vouchers/redeem";
import { memberAction } from "../_server/action";

/** Every counter action carries a key made on the device at tap time: an offline replay never doubles. */
const IdempotencyKey = z.string().min(8).max(100);

async function calmLimit(name: "scan" | "voucherUse", key: string) {
  await enforceRateLimit(name, key).catch((e: unknown) => {
    if (e instanceof AppError && e.code === "rate_limited") {
      throw new AppError("rate_limited", `That is a lot of scans in a short time. Take a breath and try again in ${e.retryAfter ?? 60} seconds.`, { retryAfter: e.retryAfter });
    }
    throw e;
  });
}

export const lookupAction = memberAction("staff.lookup", { input: LookupInput, permission: "scanner:use", source: "scanner" }, async ({ ctx, input }) => {
  await calmLimit("scan", ctx.actor.id);
  return lookupCode(ctx, input);
});

const EarnAtCounter = z
  .object({
    cardId: z.string().min(1).max(64),
    idempotencyKey: IdempotencyKey,
    /** Purchase total in minor units of `currency` (cents, yen, fils). */
    purchaseAmount: z.int().min(1, "Enter the purchase amount").max(100_000_000, "That amount looks too large").optional(),
    /** The currency the cashier typed the amount in; the card's program currency when absent. */
    currency: CurrencyCode.optional(),
    stamps: z.int().min(1).max(20).optional(),
    locationId: z.string().max(64).optional(),
  })
  .strict()
  .refine((v) => (v.purchaseAmount === undefined) !== (v.stamps === undefined), { message: "Enter a purchase amount or add a stamp", path: ["purchaseAmount"] });

export const earnAction = memberAction("staff.earn", { input: EarnAtCounter, permission: "points:earn", source: "scanner" }, async ({ ctx, input }) => {
  await calmLimit("scan", ctx.actor.id);
  // The scanner sends the currency the amount was typed in; only without one is the card read first for its program's.
  const purchase = input.purchaseAmount === undefined ? null : { amount: input.purchaseAmount, currency: input.currency ?? (await scannedCard(ctx, input.cardId)).currency };
  const earned = { cardId: input.cardId, ...(purchase ? { purchase } : { stamps: input.stamps }), locationId: input.locationId };
  const { body } = await earnOnce(ctx, earned, { key: `scanner:${input.idempotencyKey}`, hash: requestHash(["earn", input]) }, counterEarnAnswer);
  return body;
});

const RedeemAtCounter = z
  .object({ idempotencyKey: IdempotencyKey, code: z.string().trim().min(4).max(1000), locationId: z.string().max(64).optional() })
  .strict();

export const redeemVoucherAction = memberAction("staff.redeemVoucher", { input: RedeemAtCounter, permission: "vouchers:use", source: "scanner" }, async ({ ctx, input }) => {
  await calmLimit("voucherUse", ctx.actor.id);
  const { body } = await withTransaction(ctx, (tx) =>
    onceForKey<{ title: string; code: string; redeemedAt: string }>(tx, `scanner:${input.idempotencyKey}`, requestHash(["voucher", input]), async () => {
      const voucher = await redeemVoucher(tx, isQrToken(input.code) ? { token: input.code, locationId: input.locationId } : { code: input.code, locationId: input.locationId });
      return { status: 200, body: { title: voucher.title, code: voucher.code, redeemedAt: voucher.redeemedAt!.toISOString() } };
    }),
  );
  return body;
});
