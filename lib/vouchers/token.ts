import type { Voucher } from "../../db/schema";
import { signCompactQr, signQr } from "../tokens/qr";

/**
 * The signed QR token of a voucher: the compact format (id, merchant, expiry; QR version 6 at
 * level M). Old `kc1.` voucher tokens already sent keep verifying.
 */
export function voucherToken(voucher: Pick<Voucher, "id" | "merchantId" | "expiresAt" | "nonce">): string {
  return (
    signCompactQr({ kind: "voucher", id: voucher.id, merchantId: voucher.merchantId, time: voucher.expiresAt }) ??
    signQr({ kind: "voucher", id: voucher.id, merchantId: voucher.merchantId, expiresAt: voucher.expiresAt, nonce: voucher.nonce })
  );
}
