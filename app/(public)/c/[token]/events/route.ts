import { dbReady } from "@/db/client";
import { loadCardView } from "@/lib/cards/view";
import { AppError } from "@/lib/errors";
import { subscribeToEvents } from "@/lib/events/listen";
import { problemResponse } from "@/app/api/_http/problem";
import { clientIpKey } from "@/lib/http/client-ip";
import { limitCardTraffic } from "../../../_public";

export const dynamic = "force-dynamic";

const CARD_EVENTS = new Set(["card.balance_changed", "tier.changed", "voucher.issued", "voucher.redeemed", "voucher.voided"]);

// GET /c/{token}/events — Server-Sent Events: `change` whenever this card (or its program) changes.
// A bulk credit (campaign bonus) sends one summary per batch for the program; the page refetches.
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  try {
    const { token } = await params;
    if (!/^[A-Za-z0-9]{16,64}$/.test(token)) throw new AppError("not_found", "No such card.");
    const view = await loadCardView(await dbReady(), { publicToken: token });
    if (!view) throw new AppError("not_found", "No such card.");
    await limitCardTraffic(clientIpKey(request.headers), view.card.id, "events");
    const { card } = view;

    const encoder = new TextEncoder();
    let cleanup = () => {};
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (event: string, data: unknown) => {
          try {
            controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
          } catch {
            cleanup();
          }
        };
        const unsubscribe = await subscribeToEvents((e) => {
          const p = e.payload as { cardId?: string; programId?: string };
          if ((CARD_EVENTS.has(e.type) && p.cardId === card.id) || ((e.type === "program.changed" || e.type === "cards.bulk_changed") && p.programId === card.programId)) {
            send("change", { type: e.type, at: e.at, ...(e.type === "card.balance_changed" ? { balance: (e.payload as { balance: number }).balance } : {}) });
          }
        });
        const ping = setInterval(() => send("ping", {}), 25_000);
        cleanup = () => {
          clearInterval(ping);
          unsubscribe();
          try {
            controller.close();
          } catch {
            /* already closed */
          }
        };
        request.signal.addEventListener("abort", () => cleanup());
        controller.enqueue(encoder.encode("retry: 5000\n\n"));
        send("ready", { cardId: card.id });
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(stream, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" } });
  } catch (error) {
    return problemResponse(error);
  }
}
