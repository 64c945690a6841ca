import type { Metadata, Viewport } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Keepcard — loyalty cards that live in the wallet", template: "%s · Keepcard" },
  description: "Points, stamps, cashback and tiers on cards your customers keep in Apple Wallet and Google Wallet, updated live.",
};

export const viewport: Viewport = { themeColor: "#059669", width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh">{children}</body>
    </html>
  );
}
