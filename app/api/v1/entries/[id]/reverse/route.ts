import { z } from "zod";
import { reverse } from "@/lib/ledger/reverse";
import { presentCard, presentEntry } from "../../../../_http/present";
import { apiRoute } from "../../../../_http/route";

export const ReverseBody = z.object({ reason: z.string().trim().min(3).max(500) }).strict();

// POST /api/v1/entries/{id}/reverse — undo an entry with an opposite one (a refund, a mistake)
export const POST = apiRoute<{ id: string }, typeof ReverseBody>({ body: ReverseBody }, async ({ ctx, params, body }) => {
  const { entry, card } = await reverse(ctx, { entryId: params.id, reason: body.reason });
  return { status: 201, body: { entry: presentEntry(entry), card: presentCard(card) } };
});
