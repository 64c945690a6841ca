import { dbReady } from "@/db/client";
import { confirmErasureByLink, customerOfLink } from "@/lib/customers/self-service";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { clientIpKey } from "@/lib/http/client-ip";
import { enforceRateLimit } from "@/lib/rate-limit";
import { problemResponse } from "@/app/api/_http/problem";

export const dynamic = "force-dynamic";

const base = () => env.APP_URL.replace(/\/$/, "");

// POST /delete-my-data/{token}/confirm — the holder confirms: their data is erased, their cards
// closed and their passes voided; on to the page that says so (or back to the link's page, which
// explains a spent or expired link)
export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  try {
    await enforceRateLimit("publicIp", `erase:ip:${clientIpKey(request.headers)}`);
    const db = await dbReady();
    const language = (await customerOfLink(db, "erase", token))?.customer.language ?? "en";
    await confirmErasureByLink(db, { token });
    return new Response(null, { status: 303, headers: { location: `${base()}/delete-my-data/done?lang=${language}` } });
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") return new Response(null, { status: 303, headers: { location: `${base()}/delete-my-data/${encodeURIComponent(token)}` } });
    return problemResponse(error);
  }
}
