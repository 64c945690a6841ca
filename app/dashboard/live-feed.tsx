"use client";

import { useEffect, useState } from "react";
import type { FeedItem } from "@/lib/insights/feed";

const ICON: Record<FeedItem["kind"], string> = {
  earn: "+",
  bonus: "★",
  redeem: "🎁",
  adjust: "✎",
  expire: "⌛",
  reverse: "↺",
  payout: "💸",
  joined: "👋",
  voucher_used: "🎉",
  voucher_issued: "🎟",
};

function ago(at: string, now: number) {
  const s = Math.max(0, Math.round((now - new Date(at).getTime()) / 1000));
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(at).toLocaleDateString("en-US", { month: "short", day: "numeric" });
}

/** The live activity feed: first paint from the server, then Server-Sent Events from /api/live. */
export function LiveFeed({ initial }: { initial: FeedItem[] }) {
  const [items, setItems] = useState(initial);
  const [status, setStatus] = useState<"connecting" | "live" | "offline">("connecting");
  const [party, setParty] = useState<{ key: string; text: string } | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const source = new EventSource("/api/live");
    source.onopen = () => setStatus("live");
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? "offline" : "connecting");
    source.addEventListener("activity", (e) => {
      const item = JSON.parse((e as MessageEvent<string>).data) as FeedItem;
      setItems((prev) => [item, ...prev.filter((p) => p.id !== item.id)].slice(0, 30));
      if (item.celebrate) setParty({ key: item.id, text: `${item.who} ${item.text}` });
    });
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    return () => {
      source.close();
      clearInterval(tick);
    };
  }, []);

  useEffect(() => {
    if (!party) return;
    const t = setTimeout(() => setParty(null), 4000);
    return () => clearTimeout(t);
  }, [party]);

  return (
    <section aria-labelledby="feed-title" className="relative rounded-xl border border-gray-200 bg-white p-5 shadow-sm">
      <div className="flex items-center justify-between">
        <h2 id="feed-title" className="font-semibold">
          Live activity
        </h2>
        <span className="inline-flex items-center gap-1.5 text-xs text-gray-600" data-testid="feed-status" data-status={status}>
          <span aria-hidden className={`size-2 rounded-full ${status === "live" ? "bg-emerald-500" : status === "connecting" ? "bg-amber-400" : "bg-gray-400"}`} />
          {status === "live" ? "Live" : status === "connecting" ? "Connecting…" : "Offline"}
        </span>
      </div>
      {party ? (
        <div role="status" className="kc-in pointer-events-none absolute inset-x-4 top-12 z-10 rounded-xl bg-emerald-600 px-4 py-3 text-center text-sm font-semibold text-white shadow-lg" data-testid="celebration">
          <span aria-hidden className="absolute inset-0 overflow-hidden">
            {["🎉", "✨", "🎊", "⭐", "🎉", "✨"].map((c, i) => (
              <span key={`${party.key}-${i}`} className="kc-pop absolute bottom-0 text-xl" style={{ left: `${10 + i * 15}%`, animationDelay: `${i * 0.08}s` }}>
                {c}
              </span>
            ))}
          </span>
          Reward redeemed! {party.text}
        </div>
      ) : null}
      <ol className="mt-4 divide-y divide-gray-100" aria-live="polite" data-testid="live-feed">
        {items.length === 0 ? <li className="py-6 text-center text-sm text-gray-600">Nothing yet. Scans, joins and rewards show up here the moment they happen.</li> : null}
        {items.map((item) => (
          <li key={item.id} className="kc-in flex items-start gap-3 py-2.5 text-sm">
            <span aria-hidden title={item.label} className="mt-0.5 grid size-7 shrink-0 place-items-center rounded-full bg-gray-100">
              {ICON[item.kind]}
            </span>
            <span className="min-w-0 flex-1">
              <strong className="font-medium">{item.who}</strong> {item.text}
            </span>
            <time dateTime={item.at} className="shrink-0 text-xs text-gray-600">
              {ago(item.at, now)}
            </time>
          </li>
        ))}
      </ol>
    </section>
  );
}
