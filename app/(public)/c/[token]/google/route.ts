import { dbReady } from "@/db/client";
import { loadCardView } from "@/lib/cards/view";
import { AppError } from "@/lib/errors";
import { googleConfig } from "@/wallet/config";
import { GoogleWalletClient } from "@/wallet/google/client";
import { googleSaveUrl } from "@/wallet/google/sync";
import { problemResponse } from "@/app/api/_http/problem";
import { ipFrom } from "../../../../_server/client-ip";
import { limitCardTraffic } from "../../../_public";

export const dynamic = "force-dynamic";

let client: GoogleWalletClient | undefined;

// GET /c/{token}/google — makes sure the card exists in Google Wallet, then redirects to the save link (in development mode, back to the card page)
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  try {
    if (!/^[A-Za-z0-9]{16,64}$/.test(token)) throw new AppError("not_found", "No such card.");
    const config = googleConfig();
    if (!config) throw new AppError("unavailable", "Google Wallet is not set up on this server yet.");
    const db = await dbReady();
    const view = await loadCardView(db, { publicToken: token });
    if (!view) throw new AppError("not_found", "No such card.");
    await limitCardTraffic(ipFrom(request.headers), view.card.id, "google");
    // Development credentials: no call to Google, back to the card page, which explains.
    if (config.mode === "development") return Response.redirect(new URL(`/c/${token}?wallet=google-development`, request.url), 303);
    client ??= new GoogleWalletClient(config);
    try {
      return Response.redirect(await googleSaveUrl(db, client, view), 303);
    } catch (error) {
      console.error("[google-wallet] save link failed:", error instanceof Error ? error.message : error);
      return Response.redirect(new URL(`/c/${token}?wallet=google-unavailable`, request.url), 303);
    }
  } catch (error) {
    return problemResponse(error);
  }
}
