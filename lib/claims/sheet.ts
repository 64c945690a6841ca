import { PDFDocument, StandardFonts, rgb, type PDFFont } from "pdf-lib";
import QRCode from "qrcode";
import type { ClaimCodeBatch, Program } from "../../db/schema";
import { translator } from "../i18n";
import type { Language } from "../i18n/languages";
import { groupedClaimCode } from "./codes";
import type { PrintableCode } from "./batches";

/** A4 in points, and the label grid: 3 × 8 labels of 65 × 35 mm, the common sticker sheet. */
const PAGE = { width: 595.28, height: 841.89 };
const GRID = { columns: 3, rows: 8, marginX: 20, marginY: 20 };
export const LABELS_PER_PAGE = GRID.columns * GRID.rows;

/** Where label `i` of a page sits (its lower-left corner) and its size, in PDF points. */
export function labelBox(i: number) {
  const w = (PAGE.width - 2 * GRID.marginX) / GRID.columns;
  const h = (PAGE.height - 2 * GRID.marginY) / GRID.rows;
  const col = i % GRID.columns;
  const row = Math.floor(i / GRID.columns);
  return { x: GRID.marginX + col * w, y: PAGE.height - GRID.marginY - (row + 1) * h, width: w, height: h };
}

/** The standard PDF fonts speak WinAnsi: keep what they can draw, strip accents from the rest, else "?". */
function drawable(font: PDFFont, text: string): string {
  let out = "";
  for (const ch of text) {
    try {
      font.encodeText(ch);
      out += ch;
    } catch {
      const plain = ch.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
      try {
        font.encodeText(plain);
        out += plain;
      } catch {
        out += "?";
      }
    }
  }
  return out;
}

/** The text in at most `lines` lines of `width`, the last one cut with an ellipsis if it must be. */
function wrap(font: PDFFont, text: string, size: number, width: number, lines: number): string[] {
  const out: string[] = [];
  let current = "";
  const words = drawable(font, text).split(/\s+/);
  for (const [i, word] of words.entries()) {
    const candidate = current ? `${current} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) <= width || !current) {
      current = candidate;
      continue;
    }
    if (out.length === lines - 1) return [...out, fit(font, [current, ...words.slice(i)].join(" "), size, width)];
    out.push(current);
    current = word;
  }
  return [...out, fit(font, current, size, width)];
}

/** The text, cut with an ellipsis to fit `width`. */
function fit(font: PDFFont, text: string, size: number, width: number): string {
  const full = drawable(font, text);
  if (font.widthOfTextAtSize(full, size) <= width) return full;
  let t = full;
  while (t.length > 1 && font.widthOfTextAtSize(`${t}...`, size) > width) t = t.slice(0, -1);
  return `${t.trimEnd()}...`;
}

/**
 * The printable sheet of a batch: one label per code with its QR (the claim URL on the configured
 * origin), what it is worth, the business, the last day and the code in words for typing by hand.
 * The QR is drawn from a PNG whose pixels are whole modules, so it prints sharp at any size.
 */
export async function claimSheetPdf(d: {
  batch: ClaimCodeBatch;
  program: Pick<Program, "name" | "kind" | "currency">;
  merchantName: string;
  timezone: string;
  codes: PrintableCode[];
  language: Language;
}): Promise<Uint8Array> {
  const tr = translator(d.language);
  const pdf = await PDFDocument.create();
  pdf.setTitle(drawable(await pdf.embedFont(StandardFonts.Helvetica), `${d.merchantName}: ${d.batch.name}`));
  pdf.setCreator("Keepcard");
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const mono = await pdf.embedFont(StandardFonts.Courier);
  const worth = d.program.kind === "cashback" ? tr.money(d.batch.value, d.program.currency) : tr.t("unit.points", { count: d.batch.value });
  const headline = tr.t("claim.label.worth", { value: worth });
  const until = d.batch.expiresAt ? tr.t("claim.label.until", { date: tr.date(new Date(d.batch.expiresAt.getTime() - 1), { dateStyle: "medium", timeZone: d.timezone }) }) : null;
  const ink = rgb(0.07, 0.09, 0.15);
  const grey = rgb(0.35, 0.38, 0.43);

  let page = pdf.addPage([PAGE.width, PAGE.height]);
  for (const [n, code] of d.codes.entries()) {
    const slot = n % LABELS_PER_PAGE;
    if (n > 0 && slot === 0) page = pdf.addPage([PAGE.width, PAGE.height]);
    const box = labelBox(slot);
    // A light cut line around each label.
    page.drawRectangle({ x: box.x, y: box.y, width: box.width, height: box.height, borderColor: rgb(0.85, 0.86, 0.88), borderWidth: 0.5, borderDashArray: [2, 2] });
    const png = await QRCode.toBuffer(code.url, { errorCorrectionLevel: "M", margin: 2, scale: 4, color: { dark: "#000000", light: "#ffffff" } });
    const image = await pdf.embedPng(png);
    // 26 mm square with its quiet zone: a phone reads it from arm's length.
    const qr = 74;
    page.drawImage(image, { x: box.x + 5, y: box.y + (box.height - qr) / 2, width: qr, height: qr });
    const tx = box.x + qr + 11;
    const tw = box.x + box.width - tx - 6;
    let y = box.y + box.height - 15;
    page.drawText(fit(bold, d.merchantName, 7.5, tw), { x: tx, y, size: 7.5, font: bold, color: grey });
    for (const line of wrap(bold, headline, 11, tw, 2)) {
      y -= 12.5;
      page.drawText(line, { x: tx, y, size: 11, font: bold, color: ink });
    }
    y -= 2;
    for (const line of wrap(regular, tr.t("claim.label.scan"), 7, tw, 2)) {
      y -= 8.5;
      page.drawText(line, { x: tx, y, size: 7, font: regular, color: ink });
    }
    page.drawText(fit(regular, d.program.name, 6.5, tw), { x: tx, y: box.y + 27, size: 6.5, font: regular, color: grey });
    if (until) page.drawText(fit(regular, until, 6.5, tw), { x: tx, y: box.y + 17, size: 6.5, font: regular, color: grey });
    page.drawText(fit(mono, groupedClaimCode(code.code), 6.5, tw), { x: tx, y: box.y + 7, size: 6.5, font: mono, color: ink });
  }
  return pdf.save({ useObjectStreams: true });
}
