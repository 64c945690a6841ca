import type { PassDesign } from "../../lib/programs/design";
import { env } from "../../lib/env";

/**
 * The stamp grid as a Google hero image, addressed by its content: stamps, total and the three
 * colours are the file name (`3-10-1f2937-ffffff-f3f4f6.png`), so the same grid always has the
 * same URL (Google and any cache keep it) and a new stamp is a new URL.
 */
export type StampHeroKey = { filled: number; total: number; background: string; foreground: string; label: string };

const HEX = /^#?([0-9a-f]{6})$/i;
const MAX_STAMPS = 50;

const hex = (c: string) => HEX.exec(c)![1]!.toLowerCase();

export function stampHeroName(design: Pick<PassDesign, "backgroundColor" | "foregroundColor" | "labelColor">, filled: number, total: number): string {
  const f = Math.max(0, Math.min(filled, total));
  return `${f}-${total}-${hex(design.backgroundColor)}-${hex(design.foregroundColor)}-${hex(design.labelColor)}.png`;
}

export function stampHeroUrl(design: Pick<PassDesign, "backgroundColor" | "foregroundColor" | "labelColor">, filled: number, total: number): string {
  return `${env.APP_URL.replace(/\/$/, "")}/api/wallet/google/stamps/${stampHeroName(design, filled, total)}`;
}

/** Reads a hero image's file name back; null when it is not one we build (only canonical names are served). */
export function parseStampHeroName(name: string): StampHeroKey | null {
  const m = /^(\d{1,2})-(\d{1,2})-([0-9a-f]{6})-([0-9a-f]{6})-([0-9a-f]{6})\.png$/.exec(name);
  if (!m) return null;
  const filled = Number(m[1]);
  const total = Number(m[2]);
  if (total < 1 || total > MAX_STAMPS || filled > total || String(filled) !== m[1] || String(total) !== m[2]) return null;
  return { filled, total, background: `#${m[3]}`, foreground: `#${m[4]}`, label: `#${m[5]}` };
}
