import { dbReady } from "@/db/client";
import { changeCardLanguage, type CardLanguageInput } from "@/lib/cards/language";
import { AppError } from "@/lib/errors";
import { problemResponse } from "@/app/api/_http/problem";
import { clientIpKey } from "@/lib/http/client-ip";
import { limitCardTraffic } from "../../../_public";

export const dynamic = "force-dynamic";

const TOKEN = /^[A-Za-z0-9]{16,64}$/;
/** Back to the card page: a path of ours, never a URL from the request. */
const backToCard = (token: string) => new Response(null, { status: 303, headers: { location: `/c/${token}` } });

// GET /c/{token}/language — back to the card page, whose language form POSTs here.
export async function GET(_request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  if (!TOKEN.test(token)) return problemResponse(new AppError("not_found", "No such card."));
  return backToCard(token);
}

// POST /c/{token}/language — the card's holder picks the language of the card page, emails and
// wallet passes; back to the card page, now in that language (a full page load, so <html lang> follows)
export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  try {
    if (!TOKEN.test(token)) throw new AppError("not_found", "No such card.");
    const form = await request.formData().catch(() => null);
    if (!form) throw new AppError("invalid", "Send the language as a form field.");
    await limitCardTraffic(clientIpKey(request.headers), token, "language");
    // The verb parses the language: anything but en, es, fr or de is a 422 problem.
    await changeCardLanguage(await dbReady(), { token, language: String(form.get("language") ?? "") as CardLanguageInput["language"] });
    return backToCard(token);
  } catch (error) {
    return problemResponse(error);
  }
}
