import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import QRCode from "qrcode";
import { dbReady } from "@/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { loadPublicProgram } from "@/lib/programs/public";
import { programLogoPng } from "@/wallet/apple/images";
import { problemResponse } from "@/app/api/_http/problem";

export const dynamic = "force-dynamic";

const hexToRgb = (hex: string) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return rgb(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255);
};

// The standard PDF fonts speak WinAnsi only; anything else is replaced rather than failing the poster.
const winAnsi = (s: string) => s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^\x20-\x7e]/g, "?");

// GET /join/{program}/poster.pdf — an A4 counter poster with the program's branding and the join QR
export async function GET(_request: Request, { params }: { params: Promise<{ program: string }> }): Promise<Response> {
  try {
    const found = await loadPublicProgram(await dbReady(), (await params).program);
    if (!found) throw new AppError("not_found", "No such program.");
    const { program, merchant } = found;
    const design = program.design;
    const joinUrl = `${env.APP_URL.replace(/\/$/, "")}/join/${program.id}`;

    const pdf = await PDFDocument.create();
    pdf.setTitle(`Join ${winAnsi(program.name)}`);
    pdf.setCreator("Keepcard");
    const page = pdf.addPage([595.28, 841.89]);
    const { width, height } = page.getSize();
    const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
    const regular = await pdf.embedFont(StandardFonts.Helvetica);
    const fg = hexToRgb(design.foregroundColor);
    const label = hexToRgb(design.labelColor);

    page.drawRectangle({ x: 0, y: height - 330, width, height: 330, color: hexToRgb(design.backgroundColor) });
    const logo = await pdf.embedPng(programLogoPng(design, design.logoText ?? program.name, 240));
    page.drawImage(logo, { x: 48, y: height - 128, width: 80, height: 80 });
    const center = (text: string, size: number, font = bold) => (width - font.widthOfTextAtSize(text, size)) / 2;
    const title = winAnsi(program.name);
    const titleSize = Math.min(44, (width - 96) / Math.max(1, bold.widthOfTextAtSize(title, 1)));
    page.drawText(winAnsi(merchant.name), { x: 48, y: height - 168, size: 18, font: regular, color: label });
    page.drawText(title, { x: 48, y: height - 220, size: titleSize, font: bold, color: fg });
    const pitch = program.kind === "stamps" ? `Collect ${program.stampsRequired ?? 10} stamps, get a reward.` : program.kind === "cashback" ? "Cashback on every purchase." : "Points on every visit. Rewards you choose.";
    page.drawText(pitch, { x: 48, y: height - 262, size: 18, font: regular, color: fg });
    page.drawText("Your card lives in Apple Wallet and Google Wallet.", { x: 48, y: height - 290, size: 13, font: regular, color: label });

    const qr = await pdf.embedPng(await QRCode.toBuffer(joinUrl, { errorCorrectionLevel: "M", margin: 1, width: 900 }));
    const size = 300;
    page.drawImage(qr, { x: (width - size) / 2, y: 180, width: size, height: size });
    const scan = "Scan to join";
    page.drawText(scan, { x: center(scan, 30), y: 130, size: 30, font: bold, color: rgb(0.07, 0.09, 0.15) });
    const url = winAnsi(joinUrl);
    page.drawText(url, { x: center(url, 12, regular), y: 100, size: 12, font: regular, color: rgb(0.3, 0.33, 0.38) });
    page.drawText("Free. No app needed.", { x: center("Free. No app needed.", 12, regular), y: 80, size: 12, font: regular, color: rgb(0.3, 0.33, 0.38) });

    const bytes = await pdf.save({ useObjectStreams: true });
    return new Response(new Uint8Array(bytes), {
      headers: { "content-type": "application/pdf", "content-disposition": `inline; filename="join-${program.id}.pdf"`, "cache-control": "private, max-age=300" },
    });
  } catch (error) {
    return problemResponse(error);
  }
}
