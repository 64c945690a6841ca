import { dbReady } from "@/db/client";
import { devOutboxEnabled } from "@/lib/email/dev-outbox";
import { runWaitingPayoutsNow } from "@/lib/payouts/run-now";

export const dynamic = "force-dynamic";

// POST /dev/payouts/run — development and local test servers only (like /dev/outbox): runs the payout
// runs waiting to start now, without waiting for an Inngest server
export async function POST(): Promise<Response> {
  if (!devOutboxEnabled()) return new Response("Not found", { status: 404 });
  const reports = await runWaitingPayoutsNow(await dbReady());
  return Response.json({ runs: reports.length, reports });
}
