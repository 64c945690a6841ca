import { createHash } from "node:crypto";
import { Resvg } from "@resvg/resvg-js";
import type { PassDesign } from "../../lib/programs/design";

/**
 * The pass's images, drawn as SVG and rendered to PNG on the server: the icon, the logo and the
 * strip (for stamp programs, the stamp grid). Each at @1x, @2x and @3x, sized in points as Apple
 * asks for a store card. Rendering is deterministic, so results are cached by their inputs.
 */
export type PassImages = Record<string, Buffer>;

const SCALES = [1, 2, 3] as const;
const ICON = { w: 29, h: 29 };
const LOGO = { w: 160, h: 50 };
const STRIP = { w: 375, h: 123 };

const cache = new Map<string, Buffer>();
const CACHE_LIMIT = 500;

function png(svg: string, width: number): Buffer {
  const key = createHash("sha1").update(svg).update(String(width)).digest("hex");
  const hit = cache.get(key);
  if (hit) {
    // Refresh its place: the map's order is the eviction order.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const out = new Resvg(svg, { fitTo: { mode: "width", value: width }, font: { loadSystemFonts: true } }).render().asPng();
  cache.set(key, out);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return out;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A PNG data URL we accept as a logo or strip; anything else (remote URLs) is not fetched at render time. */
export function pngDataUrl(url: string | undefined): string | null {
  return url && /^data:image\/(png|jpeg);base64,[A-Za-z0-9+/=]+$/.test(url) ? url : null;
}

function iconSvg(design: PassDesign, initial: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${ICON.w}" height="${ICON.h}" viewBox="0 0 29 29">
<rect width="29" height="29" rx="6.5" fill="${design.backgroundColor}"/>
<text x="14.5" y="20" text-anchor="middle" font-family="Helvetica, Arial, DejaVu Sans, sans-serif" font-weight="700" font-size="15" fill="${design.foregroundColor}">${esc(initial)}</text>
</svg>`;
}

function logoSvg(design: PassDesign, initial: string): string {
  const image = pngDataUrl(design.logoUrl);
  if (image) {
    return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${LOGO.w}" height="${LOGO.h}" viewBox="0 0 160 50">
<image x="0" y="0" width="160" height="50" preserveAspectRatio="xMinYMid meet" xlink:href="${image}"/></svg>`;
  }
  // No logo uploaded: a monogram badge; the program's logoText sits beside it on the pass.
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${LOGO.w}" height="${LOGO.h}" viewBox="0 0 160 50">
<circle cx="25" cy="25" r="21" fill="none" stroke="${design.foregroundColor}" stroke-width="2.5"/>
<text x="25" y="33" text-anchor="middle" font-family="Helvetica, Arial, DejaVu Sans, sans-serif" font-weight="700" font-size="22" fill="${design.foregroundColor}">${esc(initial)}</text>
</svg>`;
}

/** The stamp grid: filled and empty stamps in up to two rows, centred on the strip. */
export function stampStripSvg(design: Pick<PassDesign, "backgroundColor" | "foregroundColor" | "labelColor">, filled: number, total: number, box: { w: number; h: number } = STRIP): string {
  const rows = total > 6 ? 2 : 1;
  const perRow = Math.ceil(total / rows);
  const gap = 10;
  const size = Math.min(40 * (box.h / STRIP.h), (box.h - 24 - gap * (rows - 1)) / rows, (box.w - 32 - gap * (perRow - 1)) / perRow);
  const r = size / 2;
  const top = (box.h - (rows * size + (rows - 1) * gap)) / 2;
  const stamps: string[] = [];
  for (let i = 0; i < total; i++) {
    const row = Math.floor(i / perRow);
    const inRow = row === rows - 1 ? total - perRow * (rows - 1) : perRow;
    const left = (box.w - (inRow * size + (inRow - 1) * gap)) / 2;
    const cx = left + (i % perRow) * (size + gap) + r;
    const cy = top + row * (size + gap) + r;
    const f = (n: number) => n.toFixed(2);
    if (i < filled) {
      const s = r * 0.5;
      stamps.push(
        `<circle cx="${f(cx)}" cy="${f(cy)}" r="${f(r)}" fill="${design.foregroundColor}"/>` +
          `<path d="M${f(cx - s)} ${f(cy)} L${f(cx - s * 0.25)} ${f(cy + s * 0.7)} L${f(cx + s)} ${f(cy - s * 0.6)}" fill="none" stroke="${design.backgroundColor}" stroke-width="${f(r * 0.22)}" stroke-linecap="round" stroke-linejoin="round"/>`,
      );
    } else {
      stamps.push(`<circle cx="${f(cx)}" cy="${f(cy)}" r="${f(r - 1.5)}" fill="none" stroke="${design.labelColor}" stroke-width="2.5" stroke-dasharray="4 3"/>`);
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${box.w}" height="${box.h}" viewBox="0 0 ${box.w} ${box.h}">
<rect width="${box.w}" height="${box.h}" fill="${design.backgroundColor}"/>
<rect width="${box.w}" height="${box.h}" fill="#ffffff" fill-opacity="0.06"/>
${stamps.join("\n")}
</svg>`;
}

/** Points and cashback: the merchant's strip image, or a quiet band in the brand colour with a progress bar. */
function pointsStripSvg(design: PassDesign, progress: number | null): string {
  const image = pngDataUrl(design.stripUrl);
  if (image) {
    return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${STRIP.w}" height="${STRIP.h}" viewBox="0 0 ${STRIP.w} ${STRIP.h}">
<image x="0" y="0" width="${STRIP.w}" height="${STRIP.h}" preserveAspectRatio="xMidYMid slice" xlink:href="${image}"/></svg>`;
  }
  const bar = progress === null ? "" : `<rect x="16" y="105" width="343" height="6" rx="3" fill="${design.labelColor}" fill-opacity="0.35"/>
<rect x="16" y="105" width="${(343 * Math.max(0, Math.min(1, progress))).toFixed(2)}" height="6" rx="3" fill="${design.foregroundColor}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${STRIP.w}" height="${STRIP.h}" viewBox="0 0 ${STRIP.w} ${STRIP.h}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#ffffff" stop-opacity="0.12"/><stop offset="1" stop-color="#000000" stop-opacity="0.12"/></linearGradient></defs>
<rect width="${STRIP.w}" height="${STRIP.h}" fill="${design.backgroundColor}"/>
<rect width="${STRIP.w}" height="${STRIP.h}" fill="url(#g)"/>
${bar}
</svg>`;
}

export type StripInput = { kind: "stamps"; filled: number; total: number } | { kind: "points"; progress: number | null };

function withScales(name: string, svg: string, width: number, out: PassImages) {
  for (const scale of SCALES) out[scale === 1 ? `${name}.png` : `${name}@${scale}x.png`] = png(svg, width * scale);
}

/** icon, logo and strip at @1x/@2x/@3x. */
export function passImages(design: PassDesign, title: string, strip: StripInput): PassImages {
  const initial = (title.trim()[0] ?? "K").toUpperCase();
  const out: PassImages = {};
  withScales("icon", iconSvg(design, initial), ICON.w, out);
  withScales("logo", logoSvg(design, initial), LOGO.w, out);
  withScales("strip", strip.kind === "stamps" ? stampStripSvg(design, strip.filled, strip.total) : pointsStripSvg(design, strip.progress), STRIP.w, out);
  return out;
}

/** Google Wallet's hero image is 1032×336 px: the stamp grid, drawn on a 516×168 box at 2×. */
export const STAMP_HERO = { w: 1032, h: 336 };

/** The stamp grid as Google Wallet's hero image (PNG, STAMP_HERO in size). */
export function stampHeroPng(colors: Pick<PassDesign, "backgroundColor" | "foregroundColor" | "labelColor">, filled: number, total: number): Buffer {
  return png(stampStripSvg(colors, filled, total, { w: STAMP_HERO.w / 2, h: STAMP_HERO.h / 2 }), STAMP_HERO.w);
}

/** A program logo for Google Wallet (square, 660 px) and the join poster. */
export function programLogoPng(design: PassDesign, title: string, size = 660): Buffer {
  const initial = (title.trim()[0] ?? "K").toUpperCase();
  const image = pngDataUrl(design.logoUrl);
  const inner = image
    ? `<image x="12" y="12" width="76" height="76" preserveAspectRatio="xMidYMid meet" xlink:href="${image}"/>`
    : `<text x="50" y="66" text-anchor="middle" font-family="Helvetica, Arial, DejaVu Sans, sans-serif" font-weight="700" font-size="48" fill="${design.foregroundColor}">${esc(initial)}</text>`;
  return png(
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100" viewBox="0 0 100 100"><rect width="100" height="100" fill="${design.backgroundColor}"/>${inner}</svg>`,
    size,
  );
}
