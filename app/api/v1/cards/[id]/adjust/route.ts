import { z } from "zod";
import { AdjustInput, adjust } from "@/lib/ledger/adjust";
import { CardOut, EntryOut, presentCard, presentEntry } from "../../../../_http/present";
import { apiRoute } from "../../../../_http/route";

// POST /api/v1/cards/{id}/adjust — a manual correction with a reason (audited)
export const POST = apiRoute(
  {
    summary: "Adjust a balance by hand, with a reason",
    scope: "manage",
    params: ["id"],
    body: AdjustInput,
    response: { status: 201, schema: z.object({ entry: EntryOut, card: CardOut }) },
    errors: [404, 409],
  },
  async ({ ctx, params, body }) => {
    const { entry, card } = await adjust(ctx, { cardId: params.id, ...body });
    return { status: 201, body: { entry: presentEntry(entry), card: presentCard(card) } };
  },
);
