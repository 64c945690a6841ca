"use client";

/** The big answer after an action: green when done, amber when saved offline. Tapping it starts the next customer. */
export function Confirmation({ title, detail, tone, onNext }: { title: string; detail: string; tone: "success" | "queued"; onNext: () => void }) {
  return (
    <button
      type="button"
      onClick={onNext}
      className={`grid flex-1 place-items-center rounded-2xl p-8 text-center text-white shadow-xl ${tone === "success" ? "bg-emerald-600" : "bg-amber-600"}`}
      data-testid="confirmation"
      autoFocus
    >
      <span>
        <span aria-hidden className="block text-7xl">{tone === "success" ? "✓" : "⏳"}</span>
        <span className="mt-3 block text-4xl font-bold" data-testid="confirmation-title">
          {title}
        </span>
        <span className="mt-3 block text-lg">{detail}</span>
        <span className="mt-8 block text-sm underline">Next customer</span>
      </span>
    </button>
  );
}

/** A refusal the cashier must see from across the counter (used up, expired, not ours…). */
export function Refusal({ title, detail, action, onNext }: { title: string; detail: string; action: string; onNext: () => void }) {
  return (
    <div className="flex flex-1 flex-col justify-center gap-4 rounded-2xl bg-red-700 p-8 text-center text-white shadow-xl" role="alert" data-testid="scan-error">
      <span aria-hidden className="text-7xl">✕</span>
      <p className="text-4xl font-bold" data-testid="scan-error-title">
        {title}
      </p>
      <p className="text-lg">{detail}</p>
      <button type="button" onClick={onNext} className="mx-auto mt-4 rounded-xl bg-white px-6 py-3 font-semibold text-red-800" autoFocus>
        {action}
      </button>
    </div>
  );
}
