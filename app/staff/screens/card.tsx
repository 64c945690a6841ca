"use client";

import type { ScannedCard } from "@/lib/cards/lookup";
import { unitOf } from "../counter";
import { AmountForm } from "./amount-form";

export type Award = { purchaseAmount?: number; stamps?: number };

/** A scanned card: who it is, the balance, and the one action the cashier takes (amount or stamp), plus open vouchers. */
export function CardScreen({
  card,
  amount,
  setAmount,
  onAward,
  onRedeem,
  onCancel,
}: {
  card: ScannedCard;
  amount: string;
  setAmount: (v: string) => void;
  onAward: (what: Award) => void;
  onRedeem: (code: string, title: string) => void;
  onCancel: () => void;
}) {
  const closed = card.status !== "active" || card.programStatus !== "active";
  return (
    <div className="space-y-4 rounded-2xl bg-white p-5 text-ink" data-testid="scanned-card">
      <div className="flex items-start justify-between gap-3">
        <div>
          <p className="text-sm text-gray-600">{card.programName}</p>
          <p className="text-xl font-semibold">{card.customer}</p>
        </div>
        {card.tier ? <span className="rounded-full bg-sky-100 px-2.5 py-1 text-xs font-semibold text-sky-900">{card.tier}</span> : null}
      </div>
      <p className="text-5xl font-bold tabular-nums" data-testid="scanned-balance">
        {unitOf(card, card.balance)}
        {card.kind === "stamps" && card.stampsRequired ? <span className="text-xl font-medium text-gray-600"> of {card.stampsRequired}</span> : null}
      </p>
      {closed ? (
        <p className="rounded-xl bg-red-100 p-3 font-semibold text-red-900">{card.status !== "active" ? "This card is closed." : `The program is ${card.programStatus}.`}</p>
      ) : card.kind === "stamps" ? (
        <button type="button" onClick={() => onAward({ stamps: 1 })} className="w-full rounded-2xl bg-emerald-600 py-6 text-2xl font-bold text-white shadow active:bg-emerald-700">
          Add a stamp
        </button>
      ) : (
        <AmountForm currency={card.currency} amount={amount} setAmount={setAmount} onAward={(minor) => onAward({ purchaseAmount: minor })} />
      )}
      {card.openVouchers.length > 0 ? (
        <div className="space-y-2">
          <p className="text-sm font-medium text-gray-700">Open vouchers</p>
          {card.openVouchers.map((v) => (
            <button key={v.id} type="button" onClick={() => onRedeem(v.code, v.title)} className="flex w-full items-center justify-between rounded-xl border-2 border-emerald-600 px-4 py-3 text-left font-semibold">
              <span>{v.title}</span>
              <span className="text-emerald-700">Redeem</span>
            </button>
          ))}
        </div>
      ) : null}
      <button type="button" onClick={onCancel} className="w-full py-2 text-sm text-gray-700 underline">
        Cancel
      </button>
    </div>
  );
}

/**
 * A card recognised from its QR while offline: no balance or program yet, so the amount is typed
 * in the business's currency (the server refuses it later if the card's program counts in another).
 */
export function OfflineCardScreen({ currency, amount, setAmount, onAward, onCancel }: { currency: string; amount: string; setAmount: (v: string) => void; onAward: (what: Award) => void; onCancel: () => void }) {
  return (
    <div className="space-y-4 rounded-2xl bg-white p-5">
      <p className="text-sm text-amber-800">Offline: the card is recognised, the balance shows after syncing.</p>
      <AmountForm currency={currency} amount={amount} setAmount={setAmount} onAward={(minor) => onAward({ purchaseAmount: minor })} />
      <button type="button" onClick={() => onAward({ stamps: 1 })} className="w-full rounded-xl border-2 border-ink py-4 text-lg font-semibold">
        Add a stamp
      </button>
      <button type="button" onClick={onCancel} className="w-full py-2 text-sm underline">
        Cancel
      </button>
    </div>
  );
}
