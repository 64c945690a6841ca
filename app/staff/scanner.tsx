"use client";

import { useCallback, useRef, useState } from "react";
import type { ScannedCard } from "@/lib/cards/lookup";
import { formatMoney } from "@/lib/money";
import { earnAction, lookupAction, redeemVoucherAction } from "./actions";
import { callOnline, ERROR_TITLES, unitOf } from "./counter";
import { newKey, peekToken, type Queued } from "./queue";
import { CardScreen, OfflineCardScreen, type Award } from "./screens/card";
import { Confirmation, Refusal } from "./screens/result";
import { ScanScreen } from "./screens/scan";
import { VoucherScreen, type VoucherScan } from "./screens/voucher";
import { useOfflineQueue } from "./use-offline-queue";

type Screen =
  | { kind: "idle" }
  | { kind: "busy"; text: string }
  | { kind: "card"; card: ScannedCard }
  | { kind: "offline-card"; cardId: string }
  | { kind: "voucher"; result: VoucherScan; code: string }
  | { kind: "done"; title: string; detail: string; tone: "success" | "queued" }
  | { kind: "error"; title: string; detail: string };

/**
 * The cashier's screen: scan (or type) a code, then one tap to award or redeem. Actions made while
 * offline wait on the device (useOfflineQueue) and sync when the connection is back.
 * `currency` is the business's, used for amounts typed for a card recognised offline.
 */
export function Scanner({ merchantName, currency, locations }: { merchantName: string; currency: string; locations: { id: string; name: string }[] }) {
  const [screen, setScreen] = useState<Screen>({ kind: "idle" });
  const [amount, setAmount] = useState("");
  const [locationId, setLocationId] = useState<string>(locations[0]?.id ?? "");
  const input = useRef<HTMLInputElement>(null);
  const onRefused = useCallback((item: Queued, error: string) => setScreen({ kind: "error", title: `Could not sync: ${item.label}`, detail: error }), []);
  const { queue, online, sync, enqueue } = useOfflineQueue(onRefused);

  const reset = () => {
    setScreen({ kind: "idle" });
    setAmount("");
    setTimeout(() => input.current?.focus(), 0);
  };

  const fail = (r: { code: string; error: string }) => setScreen({ kind: "error", title: ERROR_TITLES[r.code] ?? "That did not work", detail: r.error });

  const lookup = useCallback(async (raw: string) => {
    const value = raw.trim();
    if (!value) return;
    setScreen({ kind: "busy", text: "Looking it up…" });
    const r = await callOnline(() => lookupAction({ code: value }));
    if (r === "offline") {
      const peek = peekToken(value);
      if (peek?.t === "card") return setScreen({ kind: "offline-card", cardId: peek.id });
      return setScreen({ kind: "error", title: "No connection", detail: "Cards can be scanned offline by QR only. Vouchers need the connection back to be checked." });
    }
    if (!r.ok) return fail(r);
    if (r.data.kind === "card") setScreen({ kind: "card", card: r.data.card });
    else setScreen({ kind: "voucher", result: r.data, code: value });
  }, []);
  const onCode = useCallback((code: string) => void lookup(code), [lookup]);

  function saveOffline(item: Queued) {
    enqueue(item);
    setScreen({ kind: "done", tone: "queued", title: "Saved offline", detail: `${item.label}. It syncs by itself when the connection is back.` });
  }

  async function award(cardId: string, card: ScannedCard | null, what: Award) {
    // The currency the amount was typed in: the server refuses it if the card's program counts in another.
    const typedIn = card?.currency ?? currency;
    const payload = { cardId, idempotencyKey: newKey(), ...what, ...(what.purchaseAmount !== undefined ? { currency: typedIn } : {}), ...(locationId ? { locationId } : {}) };
    setScreen({ kind: "busy", text: "Saving…" });
    const r = await callOnline(() => earnAction(payload));
    const label = what.stamps ? `+${what.stamps} stamp` : `Purchase of ${formatMoney(what.purchaseAmount ?? 0, typedIn)}`;
    if (r === "offline") return saveOffline({ id: payload.idempotencyKey, kind: "earn", at: new Date().toISOString(), label, input: payload });
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
    const r = await callOnline(() => redeemVoucherAction(payload));
    if (r === "offline") return saveOffline({ id: payload.idempotencyKey, kind: "voucher", at: new Date().toISOString(), label: `Voucher ${title}`, input: payload });
    if (!r.ok) return fail(r);
    setScreen({ kind: "done", tone: "success", title: "Voucher redeemed", detail: `Hand over: ${r.data.title}.` });
  }

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
        {screen.kind === "idle" ? <ScanScreen onCode={onCode} input={input} /> : null}
        {screen.kind === "busy" ? <div className="grid flex-1 place-items-center text-xl text-white">{screen.text}</div> : null}
        {screen.kind === "card" ? (
          <CardScreen card={screen.card} amount={amount} setAmount={setAmount} onAward={(what) => award(screen.card.cardId, screen.card, what)} onRedeem={redeem} onCancel={reset} />
        ) : null}
        {screen.kind === "offline-card" ? <OfflineCardScreen currency={currency} amount={amount} setAmount={setAmount} onAward={(what) => award(screen.cardId, null, what)} onCancel={reset} /> : null}
        {screen.kind === "voucher" ? <VoucherScreen result={screen.result} onRedeem={() => redeem(screen.code, screen.result.voucher.title)} onCancel={reset} /> : null}
        {screen.kind === "done" ? <Confirmation title={screen.title} detail={screen.detail} tone={screen.tone} onNext={reset} /> : null}
        {screen.kind === "error" ? <Refusal title={screen.title} detail={screen.detail} action="Try again" onNext={reset} /> : null}
      </main>
    </div>
  );
}
