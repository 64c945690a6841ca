"use client";

import { amountExample, decimalsRule, inputStep, parseAmount } from "@/lib/money";

/** The purchase total, typed in the card's currency and sent in its minor units (¥1,250 is 1250, KWD 3.125 is 3125). */
export function AmountForm({ currency, amount, setAmount, onAward }: { currency: string; amount: string; setAmount: (v: string) => void; onAward: (minor: number) => void }) {
  const typed = amount.trim();
  const minor = typed === "" ? null : parseAmount(typed, currency);
  const problem = typed === "" ? null : minor === null ? `${typed} is not an amount in ${currency}: ${decimalsRule(currency)}.` : minor <= 0 ? "Enter an amount above zero." : null;
  const valid = minor !== null && minor > 0;
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) onAward(minor);
      }}
      className="space-y-2"
    >
      <label htmlFor="purchase-amount" className="block text-sm font-medium text-gray-800">
        Purchase amount ({currency})
      </label>
      <div className="flex gap-2">
        <input
          id="purchase-amount"
          type="number"
          inputMode="decimal"
          min={0}
          step={inputStep(currency)}
          autoFocus
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          placeholder={amountExample(currency)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? "purchase-amount-error" : undefined}
          className="min-w-0 flex-1 rounded-xl border border-gray-300 px-4 py-3 text-2xl tabular-nums text-ink aria-[invalid=true]:border-red-600"
        />
        <button type="submit" disabled={!valid} className="rounded-xl bg-emerald-600 px-6 text-lg font-bold text-white disabled:bg-gray-300">
          Award
        </button>
      </div>
      {problem ? (
        <p id="purchase-amount-error" role="alert" className="text-sm font-medium text-red-700">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
