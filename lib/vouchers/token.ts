import type { Voucher } from "../../db/schema";
import { signQr } from "../tokens/qr";

/** The signed QR token of a voucher: id, merchant, expiry and the voucher's own nonce. */
export function voucherToken(voucher: Pick<Voucher, "id" | "merchantId" | "expiresAt" | "nonce">): string {
  return signQr({ kind: "voucher", id: voucher.id, merchantId: voucher.merchantId, expiresAt: voucher.expiresAt, nonce: voucher.nonce });
}
