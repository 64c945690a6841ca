import { dbReady } from "@/db/client";
import { startCampaignsNow } from "@/lib/campaigns/start-now";
import { devOutboxEnabled } from "@/lib/email/dev-outbox";

export const dynamic = "force-dynamic";

// POST /dev/campaigns/start — development and local test servers only (like /dev/outbox): starts the
// scheduled campaigns of the given name now and announces them, without waiting for an Inngest server
export async function POST(request: Request): Promise<Response> {
  if (!devOutboxEnabled()) return new Response("Not found", { status: 404 });
  const form = await request.formData().catch(() => null);
  const name = String(form?.get("name") ?? "").slice(0, 200);
  if (!name) return Response.json({ error: "name is required" }, { status: 422 });
  const result = await startCampaignsNow(await dbReady(), name);
  return Response.json(result);
}
