import { dbReady } from "@/db/client";
import { AppError } from "@/lib/errors";
import { PKPASS_MIME } from "@/wallet/apple/pass";
import { httpDate } from "@/wallet/apple/service";
import { loadPass, renderLoadedPass } from "@/wallet/apple/state";
import { appleConfig } from "@/wallet/config";
import { problemResponse } from "@/app/api/_http/problem";
import { clientIpKey } from "@/lib/http/client-ip";
import { limitCardTraffic } from "../../../_public";

export const dynamic = "force-dynamic";

// GET /c/{token}/apple.pkpass — the card as an Apple Wallet pass, rendered from the current state
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  try {
    const { token } = await params;
    if (!/^[A-Za-z0-9]{16,64}$/.test(token)) throw new AppError("not_found", "No such card.");
    const config = appleConfig();
    if (!config) throw new AppError("unavailable", "Apple Wallet is not set up on this server yet.");
    const db = await dbReady();
    const loaded = await loadPass(db, config, { publicToken: token });
    if (!loaded) throw new AppError("not_found", "No such card.");
    const { view } = loaded;
    await limitCardTraffic(clientIpKey(request.headers), view.card.id, "pkpass");
    const pass = renderLoadedPass(loaded, config);
    const filename = `${view.program.name.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "") || "card"}.pkpass`;
    return new Response(new Uint8Array(pass.body), {
      status: 200,
      headers: {
        "content-type": PKPASS_MIME,
        "content-disposition": `attachment; filename="${filename}"`,
        "last-modified": httpDate(pass.lastModified),
        etag: pass.etag,
        "cache-control": "private, no-cache",
      },
    });
  } catch (error) {
    return problemResponse(error);
  }
}
