// npx tsx scripts/brand-images.ts — draws the site's icons and the landing page's social image into
// public/. Run once when the mark changes and commit the files; nothing runs it at build time.
//
// The mark is the landing page's: a white K on a rounded square in brand green (#059669). Text in the
// social image needs a sans font file: Open Sans as @sparticuz/chromium unpacks it, else Debian's DejaVu Sans.
import fs from "node:fs";
import path from "node:path";
import { Resvg } from "@resvg/resvg-js";
import QRCode from "qrcode";

const OUT = path.join(__dirname, "..", "public");
const BRAND = "#059669";
const BRAND_LIGHT = "#10b981";
const INK = "#111827";

/** The K mark in a 64×64 box; `inset` leaves a margin (maskable icons keep their content in the middle 80 %). */
function markSvg(size: number, { rounded = true, inset = 0 } = {}): string {
  const k = `<g transform="translate(${32 - 32 * (1 - inset)} ${32 - 32 * (1 - inset)}) scale(${1 - inset})">
    <path d="M23 16v32M42 16L23 35M30 28.5L43 48" fill="none" stroke="#fff" stroke-width="7.5" stroke-linecap="round" stroke-linejoin="round"/>
  </g>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 64 64">
  <rect width="64" height="64" rx="${rounded ? 14 : 0}" fill="${BRAND}"/>
  ${k}
</svg>`;
}

function png(svg: string, width: number, fontFiles: string[] = []): Buffer {
  return new Resvg(svg, { fitTo: { mode: "width", value: width }, font: { fontFiles, loadSystemFonts: false, defaultFontFamily: "Open Sans" } }).render().asPng();
}

/** An .ico holding PNG images (every browser since 2010 reads PNG inside ICO). */
function ico(images: { size: number; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0);
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt8(0, 2);
    e.writeUInt8(0, 3);
    e.writeUInt16LE(1, 4);
    e.writeUInt16LE(32, 6);
    e.writeUInt32LE(data.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += data.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.data)]);
}

function fonts(): { files: string[]; family: string } {
  const open = ["/tmp/fonts/fonts/Open_Sans/OpenSans-Regular.ttf", "/tmp/fonts/fonts/Open_Sans/OpenSans-Bold.ttf"];
  if (open.every((f) => fs.existsSync(f))) return { files: open, family: "Open Sans" };
  const dejavu = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"];
  if (dejavu.every((f) => fs.existsSync(f))) return { files: dejavu, family: "DejaVu Sans" };
  throw new Error("No font for the social image: run the browser tests once (they unpack Open Sans) or install fonts-dejavu.");
}

/** 1200×630: the mark, the name and the promise on the left, a wallet card like the landing page's on the right. */
function socialSvg(family: string): string {
  // A real QR code, as on a customer's card.
  const { modules } = QRCode.create("Keepcard", { errorCorrectionLevel: "M" });
  const cell = 150 / modules.size;
  const qr = Array.from({ length: modules.size * modules.size }, (_, i) =>
    modules.data[i] ? `<rect x="${((i % modules.size) * cell).toFixed(2)}" y="${(Math.floor(i / modules.size) * cell).toFixed(2)}" width="${(cell + 0.3).toFixed(2)}" height="${(cell + 0.3).toFixed(2)}" fill="${INK}"/>` : "",
  ).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630" font-family="${family}">
  <defs>
    <linearGradient id="card" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#111827"/><stop offset="1" stop-color="#374151"/></linearGradient>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f0fdf8"/><stop offset="1" stop-color="#ccfbeb"/></linearGradient>
  </defs>
  <rect width="1200" height="630" fill="url(#bg)"/>
  <g transform="translate(80 84)">
    <g transform="scale(1)">${markSvg(64).replace(/^<svg[^>]*>|<\/svg>$/g, "")}</g>
    <text x="84" y="46" font-size="40" font-weight="700" fill="${INK}">Keepcard</text>
  </g>
  <text font-size="60" font-weight="700" fill="${INK}" letter-spacing="-1">
    <tspan x="80" y="268">The loyalty card</tspan>
    <tspan x="80" y="342">your customers</tspan>
    <tspan x="80" y="416">never lose.</tspan>
  </text>
  <text font-size="27" fill="#4b5563">
    <tspan x="80" y="490">Points, stamps and rewards in</tspan>
    <tspan x="80" y="526">Apple Wallet and Google Wallet.</tspan>
  </text>
  <g transform="translate(742 70) rotate(4 190 245)">
    <rect x="6" y="14" width="380" height="490" rx="30" fill="#000" opacity="0.12"/>
    <rect width="380" height="490" rx="30" fill="url(#card)"/>
    <text x="32" y="52" font-size="21" font-weight="700" fill="#fff">Bean There Coffee</text>
    <text x="348" y="52" font-size="17" fill="#d1d5db" text-anchor="end">GOLD</text>
    <text x="32" y="118" font-size="15" fill="#9ca3af" letter-spacing="1.5">POINTS</text>
    <text x="32" y="176" font-size="62" font-weight="700" fill="#fff">1,240</text>
    <rect x="32" y="204" width="316" height="10" rx="5" fill="#fff" opacity="0.2"/>
    <rect x="32" y="204" width="237" height="10" rx="5" fill="${BRAND_LIGHT}"/>
    <text x="32" y="242" font-size="17" fill="#d1d5db">260 points to a free pastry</text>
    <rect x="32" y="272" width="316" height="190" rx="18" fill="#fff"/>
    <g transform="translate(115 292)">${qr}</g>
  </g>
</svg>`;
}

function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const write = (name: string, data: Buffer | string) => {
    fs.writeFileSync(path.join(OUT, name), data);
    console.log(`public/${name}`);
  };
  write("icon.svg", markSvg(64) + "\n");
  write("favicon.ico", ico([16, 32, 48].map((size) => ({ size, data: png(markSvg(size), size) }))));
  // iOS rounds the corners itself and shows transparency as black: a full square.
  write("apple-touch-icon.png", png(markSvg(180, { rounded: false }), 180));
  write("icon-192.png", png(markSvg(192), 192));
  write("icon-512.png", png(markSvg(512), 512));
  write("icon-maskable-512.png", png(markSvg(512, { rounded: false, inset: 0.2 }), 512));
  const font = fonts();
  write("og.png", png(socialSvg(font.family), 1200, font.files));
}

main();
