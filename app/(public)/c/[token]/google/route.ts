import { dbReady } from "@/db/client";
import { loadCardView } from "@/lib/cards/view";
import { AppError } from "@/lib/errors";
import { appUrl } from "@/lib/env";
import { googleConfig } from "@/wallet/config";
import { GoogleWalletClient } from "@/wallet/google/client";
import { googleSaveUrl } from "@/wallet/google/sync";
import { problemResponse } from "@/app/api/_http/problem";
import { clientIpKey } from "@/lib/http/client-ip";
import { limitCardTraffic } from "../../../_public";

export const dynamic = "force-dynamic";

let client: GoogleWalletClient | undefined;

// GET /c/{token}/google — back to the card page, whose "Add to Google Wallet" button POSTs here.
// Link prefetchers and previews GET links: a GET creates nothing at Google (no object holding the
// customer's name for a card nobody saved).
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  if (!/^[A-Za-z0-9]{16,64}$/.test(token)) return problemResponse(new AppError("not_found", "No such card."));
  return Response.redirect(appUrl(`/c/${token}`), 303);
}

// POST /c/{token}/google — the customer's "Add to Google Wallet": makes sure the card exists in
// Google Wallet (REST insert of class and object), then redirects to the short save link (in
// development mode, back to the card page)
export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  try {
    if (!/^[A-Za-z0-9]{16,64}$/.test(token)) throw new AppError("not_found", "No such card.");
    const config = googleConfig();
    if (!config) throw new AppError("unavailable", "Google Wallet is not set up on this server yet.");
    const db = await dbReady();
    const view = await loadCardView(db, { publicToken: token });
    if (!view) throw new AppError("not_found", "No such card.");
    await limitCardTraffic(clientIpKey(request.headers), view.card.id, "google");
    // Development credentials: no call to Google, back to the card page, which explains.
    if (config.mode === "development") return Response.redirect(appUrl(`/c/${token}?wallet=google-development`), 303);
    client ??= new GoogleWalletClient(config);
    try {
      return Response.redirect(await googleSaveUrl(db, client, view), 303);
    } catch (error) {
      console.error("[google-wallet] save link failed:", error instanceof Error ? error.message : error);
      return Response.redirect(appUrl(`/c/${token}?wallet=google-unavailable`), 303);
    }
  } catch (error) {
    return problemResponse(error);
  }
}
