import { can } from "@/lib/auth/permissions";
import { describeEvent, feedAudience, isFeedEvent } from "@/lib/insights/feed";
import { subscribeToEvents } from "@/lib/events/listen";
import { currentMember } from "../../_server/session";

export const dynamic = "force-dynamic";

// GET /api/live — the dashboard's live activity feed: Server-Sent Events of the member's business
export async function GET(request: Request): Promise<Response> {
  const { member } = await currentMember();
  if (!member) return new Response("Sign in to see live activity.", { status: 401 });
  if (!can(member.ctx.actor, "reports:read")) return new Response("Your role does not include reports.", { status: 403 });
  const { db, merchantId } = member.ctx;
  // Names only for roles that may read customers; a partner sees member codes.
  const audience = feedAudience(member.ctx.actor);
  const encoder = new TextEncoder();
  let cleanup = () => {};

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (chunk: string) => {
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          cleanup();
        }
      };
      send(`retry: 3000\n: connected\n\n`);
      // Postgres NOTIFY reaches every app instance, so each one serves its own listeners.
      const unsubscribe = await subscribeToEvents((event) => {
        if (event.merchantId !== merchantId || !isFeedEvent(event)) return;
        void describeEvent(db, event, audience)
          .then((item) => item && send(`id: ${item.id}\nevent: activity\ndata: ${JSON.stringify(item)}\n\n`))
          .catch((error) => console.error("[live] could not describe event", error));
      });
      const ping = setInterval(() => send(`: ping\n\n`), 25_000);
      cleanup = () => {
        clearInterval(ping);
        unsubscribe();
      };
      request.signal.addEventListener("abort", () => {
        cleanup();
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      });
    },
    cancel() {
      cleanup();
    },
  });

  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
  });
}
