import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import { env } from "@/lib/env";
import { pageLanguage } from "./_server/language";
import "./globals.css";

export const metadata: Metadata = {
  // Absolute URLs in link previews (the landing page's social image) come from the configured origin.
  metadataBase: new URL(env.APP_URL),
  title: { default: "Keepcard — loyalty cards that live in the wallet", template: "%s · Keepcard" },
  description: "Points, stamps, cashback and tiers on cards your customers keep in Apple Wallet and Google Wallet, updated live.",
  // Files in public/, drawn by scripts/brand-images.ts. The staff scanner has its own manifest and icon.
  icons: { icon: [{ url: "/favicon.ico", sizes: "16x16 32x32 48x48" }, { url: "/icon.svg", type: "image/svg+xml" }], apple: "/apple-touch-icon.png" },
  manifest: "/site.webmanifest",
};

export const viewport: Viewport = { themeColor: "#059669", width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request, so Next can put the request's CSP nonce on its scripts (proxy.ts).
  await connection();
  return (
    // The customer's language on the card and join pages, English elsewhere.
    <html lang={await pageLanguage()}>
      <body className="min-h-dvh">{children}</body>
    </html>
  );
}
