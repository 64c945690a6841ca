import type { Metadata } from "next";
import Link from "next/link";

// What a link to the site shows in chats and social posts (public/og.png, absolute through the layout's metadataBase).
export const metadata: Metadata = {
  openGraph: {
    type: "website",
    siteName: "Keepcard",
    url: "/",
    title: "Keepcard — the loyalty card your customers never lose",
    description: "Points, stamps and rewards in Apple Wallet and Google Wallet, updated live.",
    images: [{ url: "/og.png", width: 1200, height: 630, alt: "Keepcard: a points card in the wallet, with a QR code to scan at the counter" }],
  },
  twitter: { card: "summary_large_image" },
};

const FEATURES = [
  { title: "Cards in the wallet", text: "Customers scan a poster, tap once, and the card sits in Apple Wallet or Google Wallet — no app to install." },
  { title: "Updates by itself", text: "Every purchase, stamp and reward reaches the card in seconds, with a notification like “You now have 120 points”." },
  { title: "Two taps at the counter", text: "Staff scan a card or voucher on any phone or tablet, award a purchase or a stamp, and keep going when the network drops." },
  { title: "Points, stamps, cashback, tiers", text: "Earning rules, multipliers, caps and expiry that you change from the dashboard and that apply to the very next sale." },
  { title: "Campaigns that run themselves", text: "Double-points weekends, birthday bonuses, referrals and win-back offers, announced by email and on the card." },
  { title: "An API for your POS", text: "A clean REST API with idempotency keys, signed webhooks and an OpenAPI document. Nothing lost, nothing counted twice." },
];

export default function Home() {
  return (
    <main>
      <header className="mx-auto flex max-w-6xl items-center justify-between px-6 py-5">
        <span className="flex items-center gap-2 text-lg font-semibold">
          <span aria-hidden className="grid size-8 place-items-center rounded-lg bg-brand-600 text-white">K</span>
          Keepcard
        </span>
        <nav className="flex items-center gap-4 text-sm">
          <Link href="/api/v1/openapi.json" className="text-gray-600 hover:text-ink">API</Link>
          <Link href="/dashboard" className="rounded-lg bg-ink px-4 py-2 font-medium text-white hover:bg-gray-800">Sign in</Link>
        </nav>
      </header>

      <section className="mx-auto grid max-w-6xl items-center gap-12 px-6 pb-20 pt-10 md:grid-cols-2">
        <div>
          <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">The loyalty card your customers never lose.</h1>
          <p className="mt-5 text-lg text-gray-600">
            Keepcard puts your points, stamps and rewards in Apple Wallet and Google Wallet. Customers join from a QR on the counter,
            staff award a visit in two taps, and the card updates itself.
          </p>
          <div className="mt-8 flex flex-wrap gap-3">
            <Link href="/dashboard" className="rounded-lg bg-brand-600 px-5 py-3 font-medium text-white hover:bg-brand-700">Open the dashboard</Link>
            <a href="#features" className="rounded-lg border border-gray-300 px-5 py-3 font-medium hover:bg-gray-50">See what it does</a>
          </div>
        </div>
        <div aria-hidden className="mx-auto w-full max-w-sm">
          <div className="rounded-2xl bg-gradient-to-br from-gray-900 to-gray-700 p-6 text-white shadow-2xl">
            <div className="flex items-center justify-between text-sm text-gray-300">
              <span className="font-semibold text-white">Bean There Coffee</span>
              <span>GOLD</span>
            </div>
            <div className="mt-8 text-xs uppercase tracking-wide text-gray-400">Points</div>
            <div className="text-5xl font-bold">1,240</div>
            <div className="mt-6 h-2 rounded-full bg-white/20">
              <div className="h-2 w-3/4 rounded-full bg-brand-500" />
            </div>
            <div className="mt-2 text-sm text-gray-300">260 points to a free pastry</div>
            <div className="mt-8 grid place-items-center rounded-xl bg-white p-4">
              <div className="grid size-28 grid-cols-7 gap-0.5">
                {Array.from({ length: 49 }, (_, i) => (
                  <span key={i} className={(i * 7 + (i % 5)) % 3 === 0 ? "bg-gray-900" : "bg-white"} />
                ))}
              </div>
            </div>
          </div>
        </div>
      </section>

      <section id="features" className="bg-gray-50 py-20">
        <div className="mx-auto max-w-6xl px-6">
          <h2 className="text-2xl font-bold">Built for the counter, the phone and the POS</h2>
          <ul className="mt-10 grid gap-6 sm:grid-cols-2 lg:grid-cols-3">
            {FEATURES.map((f) => (
              <li key={f.title} className="rounded-xl border border-gray-200 bg-white p-6">
                <h3 className="font-semibold">{f.title}</h3>
                <p className="mt-2 text-sm text-gray-600">{f.text}</p>
              </li>
            ))}
          </ul>
        </div>
      </section>

      <footer className="mx-auto max-w-6xl px-6 py-10 text-sm text-gray-500">Keepcard — loyalty for small businesses.</footer>
    </main>
  );
}
