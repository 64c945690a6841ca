import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Keepcard — loyalty cards that live in the wallet", template: "%s · Keepcard" },
  description: "Points, stamps, cashback and tiers on cards your customers keep in Apple Wallet and Google Wallet, updated live.",
};

export const viewport: Viewport = { themeColor: "#059669", width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request, so Next can put the request's CSP nonce on its scripts (proxy.ts).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-dvh">{children}</body>
    </html>
  );
}
