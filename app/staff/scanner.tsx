"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ScanResult, ScannedCard } from "@/lib/cards/lookup";
import { earnAction, lookupAction, redeemVoucherAction } from "./actions";
import { Camera } from "./camera";
import { loadQueue, newKey, peekToken, saveQueue, type Queued } from "./queue";

type Screen =
  | { kind: "idle" }
  | { kind: "busy"; text: string }
  | { kind: "card"; card: ScannedCard }
  | { kind: "offline-card"; cardId: string }
  | { kind: "voucher"; result: Extract<ScanResult, { kind: "voucher" }>; code: string }
  | { kind: "done"; title: string; detail: string; tone: "success" | "queued" }
  | { kind: "error"; title: string; detail: string };

type Result<T> = { ok: true; data: T } | { ok: false; code: string; error: string };

const ERROR_TITLES: Record<string, string> = {
  already_redeemed: "Already used",
  expired: "Expired",
  wrong_merchant: "Not our card",
  invalid_token: "Not a Keepcard code",
  not_found: "Not found",
  insufficient_balance: "Not enough points",
  inactive: "Not active",
  rate_limited: "Slow down a little",
  forbidden: "Not allowed",
  unauthorized: "Signed out",
  invalid: "Check the entry",
};

function unitOf(card: ScannedCard, n: number) {
  if (card.kind === "stamps") return `${n} stamp${n === 1 ? "" : "s"}`;
  if (card.kind === "cashback") return new Intl.NumberFormat("en-US", { style: "currency", currency: card.currency }).format(n / 100);
  return `${n.toLocaleString("en-US")} point${n === 1 ? "" : "s"}`;
}

/** A network failure (offline, server away) rather than an answer from the server. */
async function call<T>(fn: () => Promise<Result<T>>): Promise<Result<T> | "offline"> {
  if (typeof navigator !== "undefined" && !navigator.onLine) return "offline";
  try {
    return await fn();
  } catch {
    return "offline";
  }
}

export function Scanner({ merchantName, locations }: { merchantName: string; locations: { id: string; name: string }[] }) {
  const [screen, setScreen] = useState<Screen>({ kind: "idle" });
  const [camera, setCamera] = useState(false);
  const [code, setCode] = useState("");
  const [amount, setAmount] = useState("");
  const [queue, setQueue] = useState<Queued[]>([]);
  const [online, setOnline] = useState(true);
  const [locationId, setLocationId] = useState<string>(locations[0]?.id ?? "");
  const syncing = useRef(false);
  const input = useRef<HTMLInputElement>(null);

  const persist = useCallback((next: Queued[]) => {
    saveQueue(next);
    setQueue(next);
  }, []);

  const sync = useCallback(async () => {
    if (syncing.current || !navigator.onLine) return;
    syncing.current = true;
    try {
      let pending = loadQueue();
      for (const item of [...pending]) {
        const r = await call(() => (item.kind === "earn" ? earnAction(item.input) : redeemVoucherAction(item.input)) as Promise<Result<unknown>>);
        if (r === "offline") break;
        // Synced, or refused for good (the server said why): either way it leaves the queue.
        pending = pending.filter((p) => p.id !== item.id);
        persist(pending);
        if (!r.ok) setScreen({ kind: "error", title: `Could not sync: ${item.label}`, detail: r.error });
      }
    } finally {
      syncing.current = false;
    }
  }, [persist]);

  useEffect(() => {
    // Reads the device's saved queue after hydration; the server has no such thing.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setQueue(loadQueue());
    setOnline(navigator.onLine);
    const up = () => {
      setOnline(true);
      void sync();
    };
    const down = () => setOnline(false);
    window.addEventListener("online", up);
    window.addEventListener("offline", down);
    const timer = setInterval(() => void sync(), 15_000);
    void sync();
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/staff/sw.js", { scope: "/staff" }).catch(() => {});
    return () => {
      window.removeEventListener("online", up);
      window.removeEventListener("offline", down);
      clearInterval(timer);
    };
  }, [sync]);

  const reset = () => {
    setScreen({ kind: "idle" });
    setCode("");
    setAmount("");
    setTimeout(() => input.current?.focus(), 0);
  };

  const fail = (r: { code: string; error: string }) => setScreen({ kind: "error", title: ERROR_TITLES[r.code] ?? "That did not work", detail: r.error });

  const lookup = useCallback(async (raw: string) => {
    const value = raw.trim();
    if (!value) return;
    setCamera(false);
    setScreen({ kind: "busy", text: "Looking it up…" });
    const r = await call(() => lookupAction({ code: value }));
    if (r === "offline") {
      const peek = peekToken(value);
      if (peek?.t === "card") return setScreen({ kind: "offline-card", cardId: peek.id });
      return setScreen({ kind: "error", title: "No connection", detail: "Cards can be scanned offline by QR only. Vouchers need the connection back to be checked." });
    }
    if (!r.ok) return fail(r);
    if (r.data.kind === "card") setScreen({ kind: "card", card: r.data.card });
    else setScreen({ kind: "voucher", result: r.data, code: value });
  }, []);

  function enqueue(item: Queued) {
    persist([...loadQueue(), item]);
    setScreen({ kind: "done", tone: "queued", title: "Saved offline", detail: `${item.label}. It syncs by itself when the connection is back.` });
  }

  async function award(cardId: string, card: ScannedCard | null, what: { purchaseAmount?: number; stamps?: number }) {
    const payload = { cardId, idempotencyKey: newKey(), ...what, ...(locationId ? { locationId } : {}) };
    setScreen({ kind: "busy", text: "Saving…" });
    const r = await call(() => earnAction(payload));
    const label = what.stamps ? `+${what.stamps} stamp` : `Purchase of ${((what.purchaseAmount ?? 0) / 100).toFixed(2)}`;
    if (r === "offline") return enqueue({ id: payload.idempotencyKey, kind: "earn", at: new Date().toISOString(), label, input: payload });
    if (!r.ok) return fail(r);
    const c = r.data.card;
    const unlocked = r.data.vouchersUnlocked.length ? ` Unlocked: ${r.data.vouchersUnlocked.join(", ")}!` : "";
    setScreen({
      kind: "done",
      tone: "success",
      title: r.data.amount > 0 ? `+${unitOf(c, r.data.amount)}` : "Recorded",
      detail: `${c.customer} now has ${unitOf(c, c.balance)}.${unlocked}${r.data.amount === 0 && card ? " (Below the minimum spend, or capped.)" : ""}`,
    });
  }

  async function redeem(voucherCode: string, title: string) {
    const payload = { idempotencyKey: newKey(), code: voucherCode, ...(locationId ? { locationId } : {}) };
    setScreen({ kind: "busy", text: "Redeeming…" });
    const r = await call(() => redeemVoucherAction(payload));
    if (r === "offline") return enqueue({ id: payload.idempotencyKey, kind: "voucher", at: new Date().toISOString(), label: `Voucher ${title}`, input: payload });
    if (!r.ok) return fail(r);
    setScreen({ kind: "done", tone: "success", title: "Voucher redeemed", detail: `Hand over: ${r.data.title}.` });
  }

  const onCamera = useCallback((value: string) => void lookup(value), [lookup]);

  return (
    <div className="mx-auto flex min-h-dvh max-w-lg flex-col px-4 pb-8">
      <header className="flex items-center justify-between py-4">
        <div>
          <p className="text-xs uppercase tracking-wide text-gray-400">Scanner</p>
          <h1 className="text-lg font-semibold text-white">{merchantName}</h1>
        </div>
        <div className="flex items-center gap-2">
          {locations.length > 1 ? (
            <>
              <label htmlFor="staff-location" className="sr-only">
                Location
              </label>
              <select id="staff-location" value={locationId} onChange={(e) => setLocationId(e.target.value)} className="rounded-lg border border-gray-600 bg-gray-800 px-2 py-1.5 text-sm text-white">
                {locations.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            </>
          ) : null}
          <span className={`rounded-full px-2.5 py-1 text-xs font-semibold ${online ? "bg-emerald-900 text-emerald-200" : "bg-amber-300 text-amber-950"}`} role="status">
            {online ? "Online" : "Offline"}
          </span>
        </div>
      </header>

      {queue.length > 0 ? (
        <div className="mb-3 flex items-center justify-between rounded-xl bg-amber-100 px-4 py-3 text-sm text-amber-950" role="status" data-testid="queue">
          <span>
            {queue.length} waiting to sync: {queue.map((q) => q.label).join(", ")}
          </span>
          <button type="button" onClick={() => void sync()} className="font-semibold underline">
            Sync now
          </button>
        </div>
      ) : null}

      <main className="flex flex-1 flex-col gap-4" aria-live="polite">
        {screen.kind === "idle" ? (
          <>
            {camera ? (
              <Camera onCode={onCamera} onClose={() => setCamera(false)} />
            ) : (
              <button type="button" onClick={() => setCamera(true)} className="grid aspect-[4/3] place-items-center rounded-2xl bg-emerald-600 text-2xl font-bold text-white shadow-lg active:bg-emerald-700">
                <span>
                  <span aria-hidden className="block text-5xl">⌗</span>
                  Scan a card or voucher
                </span>
              </button>
            )}
            <form
              className="rounded-2xl bg-white p-4"
              onSubmit={(e) => {
                e.preventDefault();
                void lookup(code);
              }}
            >
              <label htmlFor="manual-code" className="block text-sm font-medium text-gray-800">
                Or type the member code, voucher code or email
              </label>
              <div className="mt-2 flex gap-2">
                <input
                  ref={input}
                  id="manual-code"
                  value={code}
                  onChange={(e) => setCode(e.target.value)}
                  autoCapitalize="characters"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="K7QM-3XPA"
                  className="min-w-0 flex-1 rounded-xl border border-gray-300 px-4 py-3 font-mono text-lg uppercase tracking-wider text-ink placeholder:normal-case placeholder:tracking-normal"
                />
                <button type="submit" className="rounded-xl bg-ink px-5 text-base font-semibold text-white">
                  Find
                </button>
              </div>
            </form>
          </>
        ) : null}

        {screen.kind === "busy" ? <div className="grid flex-1 place-items-center text-xl text-white">{screen.text}</div> : null}

        {screen.kind === "card" ? (
          <CardPanel card={screen.card} amount={amount} setAmount={setAmount} onAward={(what) => award(screen.card.cardId, screen.card, what)} onRedeem={redeem} onCancel={reset} />
        ) : null}

        {screen.kind === "offline-card" ? (
          <div className="space-y-4 rounded-2xl bg-white p-5">
            <p className="text-sm text-amber-800">Offline: the card is recognised, the balance shows after syncing.</p>
            <AmountForm amount={amount} setAmount={setAmount} onAward={(cents) => award(screen.cardId, null, { purchaseAmount: cents })} />
            <button type="button" onClick={() => award(screen.cardId, null, { stamps: 1 })} className="w-full rounded-xl border-2 border-ink py-4 text-lg font-semibold">
              Add a stamp
            </button>
            <button type="button" onClick={reset} className="w-full py-2 text-sm underline">
              Cancel
            </button>
          </div>
        ) : null}

        {screen.kind === "voucher" ? <VoucherPanel result={screen.result} onRedeem={() => redeem(screen.code, screen.result.voucher.title)} onCancel={reset} /> : null}

        {screen.kind === "done" ? (
          <button
            type="button"
            onClick={reset}
            className={`grid flex-1 place-items-center rounded-2xl p-8 text-center text-white shadow-xl ${screen.tone === "success" ? "bg-emerald-600" : "bg-amber-600"}`}
            data-testid="confirmation"
            autoFocus
          >
            <span>
              <span aria-hidden className="block text-7xl">{screen.tone === "success" ? "✓" : "⏳"}</span>
              <span className="mt-3 block text-4xl font-bold" data-testid="confirmation-title">
                {screen.title}
              </span>
              <span className="mt-3 block text-lg">{screen.detail}</span>
              <span className="mt-8 block text-sm underline">Next customer</span>
            </span>
          </button>
        ) : null}

        {screen.kind === "error" ? (
          <div className="flex flex-1 flex-col justify-center gap-4 rounded-2xl bg-red-700 p-8 text-center text-white shadow-xl" role="alert" data-testid="scan-error">
            <span aria-hidden className="text-7xl">✕</span>
            <p className="text-4xl font-bold" data-testid="scan-error-title">
              {screen.title}
            </p>
            <p className="text-lg">{screen.detail}</p>
            <button type="button" onClick={reset} className="mx-auto mt-4 rounded-xl bg-white px-6 py-3 font-semibold text-red-800" autoFocus>
              Try again
            </button>
          </div>
        ) : null}
      </main>
    </div>
  );
}

function AmountForm({ amount, setAmount, onAward }: { amount: string; setAmount: (v: string) => void; onAward: (cents: number) => void }) {
  const cents = Math.round(Number(amount.replace(",", ".")) * 100);
  const valid = amount.trim() !== "" && Number.isFinite(cents) && cents > 0;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) onAward(cents);
      }}
      className="space-y-2"
    >
      <label htmlFor="purchase-amount" className="block text-sm font-medium text-gray-800">
        Purchase amount
      </label>
      <div className="flex gap-2">
        <input
          id="purchase-amount"
          inputMode="decimal"
          autoFocus
          value={amount}
          onChange={(e) => setAmount(e.target.value.replace(/[^0-9.,]/g, ""))}
          placeholder="12.50"
          className="min-w-0 flex-1 rounded-xl border border-gray-300 px-4 py-3 text-2xl tabular-nums text-ink"
        />
        <button type="submit" disabled={!valid} className="rounded-xl bg-emerald-600 px-6 text-lg font-bold text-white disabled:bg-gray-300">
          Award
        </button>
      </div>
    </form>
  );
}

function CardPanel({
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
  onAward: (what: { purchaseAmount?: number; stamps?: number }) => void;
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
        <AmountForm amount={amount} setAmount={setAmount} onAward={(cents) => onAward({ purchaseAmount: cents })} />
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

function VoucherPanel({ result, onRedeem, onCancel }: { result: Extract<ScanResult, { kind: "voucher" }>; onRedeem: () => void; onCancel: () => void }) {
  const v = result.voucher;
  const problem =
    v.status === "redeemed"
      ? { title: "Already used", detail: `This voucher was redeemed ${v.redeemedAt ? new Date(v.redeemedAt).toLocaleString("en-US") : "before"}.` }
      : v.status === "void"
        ? { title: "Cancelled", detail: "This voucher was cancelled." }
        : v.expired
          ? { title: "Expired", detail: `This voucher expired on ${new Date(v.expiresAt).toLocaleDateString("en-US")}.` }
          : null;
  if (problem) {
    return (
      <div className="flex flex-1 flex-col justify-center gap-4 rounded-2xl bg-red-700 p-8 text-center text-white" role="alert" data-testid="scan-error">
        <span aria-hidden className="text-7xl">✕</span>
        <p className="text-4xl font-bold" data-testid="scan-error-title">
          {problem.title}
        </p>
        <p className="text-lg">
          {v.title} · {problem.detail}
        </p>
        <button type="button" onClick={onCancel} className="mx-auto mt-4 rounded-xl bg-white px-6 py-3 font-semibold text-red-800" autoFocus>
          Next customer
        </button>
      </div>
    );
  }
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
