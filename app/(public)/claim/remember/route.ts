import { dbReady } from "@/db/client";
import { isActiveCardToken } from "@/lib/claims/claim";
import { appOrigin } from "@/lib/env";
import { enforceRateLimit } from "@/lib/rate-limit";
import { clientIpKey } from "@/lib/http/client-ip";
import { rememberCard } from "../remembered";

export const dynamic = "force-dynamic";

// POST /claim/remember — the card page tells this browser which card is its own (body: the card's
// public token), so claim codes scanned later go onto it. Same-origin requests only.
export async function POST(request: Request): Promise<Response> {
  const origin = request.headers.get("origin");
  if (origin !== null && origin !== new URL(appOrigin).origin) return new Response(null, { status: 403 });
  const token = (await request.text().catch(() => "")).trim();
  if (!/^[A-Za-z0-9]{16,64}$/.test(token)) return new Response(null, { status: 400 });
  try {
    await enforceRateLimit("publicIp", `remember:${clientIpKey(request.headers)}`);
  } catch {
    return new Response(null, { status: 429 });
  }
  if (!(await isActiveCardToken(await dbReady(), token))) return new Response(null, { status: 404 });
  await rememberCard(token);
  return new Response(null, { status: 204 });
}
