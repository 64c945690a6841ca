import { Resvg } from "@resvg/resvg-js";

const SIZES = new Set([180, 192, 512]);

function svg(size: number) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">
  <rect width="100" height="100" fill="#111827"/>
  <rect x="22" y="22" width="56" height="56" rx="10" fill="none" stroke="#10b981" stroke-width="7"/>
  <rect x="35" y="35" width="12" height="12" fill="#ffffff"/><rect x="53" y="35" width="12" height="12" fill="#ffffff"/>
  <rect x="35" y="53" width="12" height="12" fill="#ffffff"/><rect x="56" y="56" width="6" height="6" fill="#ffffff"/>
</svg>`;
}

// GET /staff/icon/{size} — the scanner's app icon as PNG (180, 192 or 512 pixels)
export async function GET(_request: Request, { params }: { params: Promise<{ size: string }> }): Promise<Response> {
  const size = Number((await params).size);
  if (!SIZES.has(size)) return new Response("Icons come in 180, 192 and 512 pixels.", { status: 404 });
  const png = new Resvg(svg(size), { fitTo: { mode: "width", value: size } }).render().asPng();
  return new Response(new Uint8Array(png), { headers: { "content-type": "image/png", "cache-control": "public, max-age=86400, immutable" } });
}
