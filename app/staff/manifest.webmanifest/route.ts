// GET /staff/manifest.webmanifest — makes the scanner installable on phones and tablets
export function GET(): Response {
  const manifest = {
    name: "Keepcard Scanner",
    short_name: "Scanner",
    description: "Scan loyalty cards and vouchers at the counter.",
    id: "/staff",
    start_url: "/staff",
    scope: "/staff",
    display: "standalone",
    orientation: "portrait",
    background_color: "#111827",
    theme_color: "#111827",
    icons: [
      { src: "/staff/icon/192", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/staff/icon/512", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/staff/icon/512", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  };
  return new Response(JSON.stringify(manifest), { headers: { "content-type": "application/manifest+json", "cache-control": "public, max-age=3600" } });
}
