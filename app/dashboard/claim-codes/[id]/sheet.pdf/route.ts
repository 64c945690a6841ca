import { currentMember } from "@/app/_server/session";
import { claimBatchCodes } from "@/lib/claims/batches";
import { claimSheetPdf } from "@/lib/claims/sheet";
import { isAppError } from "@/lib/errors";
import { isLanguage } from "@/lib/i18n";

const STATUS: Record<string, number> = { forbidden: 403, not_found: 404, unauthorized: 401, conflict: 409 };

// GET /dashboard/claim-codes/{id}/sheet.pdf?lang= — the batch as A4 sheets of QR labels (3 × 8), texts in the chosen language
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const lang = new URL(request.url).searchParams.get("lang");
  const { member } = await currentMember();
  if (!member) return new Response("Sign in to download claim codes.", { status: 401 });
  try {
    const found = await claimBatchCodes(member.ctx, id);
    const pdf = await claimSheetPdf({ ...found, language: isLanguage(lang) ? lang : "en" });
    return new Response(new Uint8Array(pdf), {
      headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="claim-codes-${found.batch.id}.pdf"`, "cache-control": "no-store" },
    });
  } catch (error) {
    if (isAppError(error)) return new Response(error.message, { status: STATUS[error.code] ?? 400 });
    console.error("[claim-codes] sheet failed", error);
    return new Response("Something went wrong on our side.", { status: 500 });
  }
}
