import { z } from "zod";
import { ReverseReasonInput, reverse } from "@/lib/ledger/reverse";
import { CardOut, EntryOut, presentCard, presentEntry } from "../../../../_http/present";
import { apiRoute } from "../../../../_http/route";

// POST /api/v1/entries/{id}/reverse — undo an entry with an opposite one (a refund, a mistake)
export const POST = apiRoute(
  {
    summary: "Reverse a ledger entry",
    scope: "manage",
    params: ["id"],
    body: ReverseReasonInput,
    response: { status: 201, schema: z.object({ entry: EntryOut, card: CardOut }) },
    errors: [404, 409],
  },
  async ({ ctx, params, body }) => {
    const { entry, card } = await reverse(ctx, { entryId: params.id, reason: body.reason });
    return { status: 201, body: { entry: presentEntry(entry), card: presentCard(card) } };
  },
);
