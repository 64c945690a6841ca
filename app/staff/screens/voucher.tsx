"use client";

import type { ScanResult } from "@/lib/cards/lookup";
import { Refusal } from "./result";

export type VoucherScan = Extract<ScanResult, { kind: "voucher" }>;

/** A scanned voucher: redeem it, or say plainly why it cannot be (used, cancelled, expired). */
export function VoucherScreen({ result, onRedeem, onCancel }: { result: VoucherScan; onRedeem: () => void; onCancel: () => void }) {
  const v = result.voucher;
  const problem =
    v.status === "redeemed"
      ? { title: "Already used", detail: `This voucher was redeemed ${v.redeemedAt ? new Date(v.redeemedAt).toLocaleString("en-US") : "before"}.` }
      : v.status === "void"
        ? { title: "Cancelled", detail: "This voucher was cancelled." }
        : v.expired
          ? { title: "Expired", detail: `This voucher expired on ${new Date(v.expiresAt).toLocaleDateString("en-US")}.` }
          : null;
  if (problem) return <Refusal title={problem.title} detail={`${v.title} · ${problem.detail}`} action="Next customer" onNext={onCancel} />;
  return (
    <div className="space-y-4 rounded-2xl bg-white p-5 text-ink" data-testid="scanned-voucher">
      <p className="text-sm text-gray-600">
        Voucher for {result.card.customer} · <span className="font-mono">{v.code}</span>
      </p>
      <p className="text-3xl font-bold">{v.title}</p>
      <button type="button" onClick={onRedeem} className="w-full rounded-2xl bg-emerald-600 py-6 text-2xl font-bold text-white shadow active:bg-emerald-700">
        Redeem voucher
      </button>
      <button type="button" onClick={onCancel} className="w-full py-2 text-sm text-gray-700 underline">
        Cancel
      </button>
    </div>
  );
}
