import { CloseCardInput, closeCard } from "@/lib/cards/close";
import { getCard } from "@/lib/cards/read";
import { CardOut, presentCard } from "../../../_http/present";
import { apiRoute } from "../../../_http/route";

// GET /api/v1/cards/{id} — balance, tier, status and links
export const GET = apiRoute(
  { summary: "Get a card", params: ["id"], response: { status: 200, schema: CardOut }, errors: [404] },
  async ({ ctx, params }) => ({ status: 200, body: presentCard(await getCard(ctx, params.id)) }),
);

// DELETE /api/v1/cards/{id} — remove the card from its program: closed, open vouchers voided, passes voided
export const DELETE = apiRoute(
  {
    summary: "Remove a card from its program (closes it; 200 again for a closed card)",
    scope: "manage",
    params: ["id"],
    body: CloseCardInput,
    response: { status: 200, schema: CardOut },
    errors: [404],
  },
  async ({ ctx, params, body }) => ({ status: 200, body: presentCard(await closeCard(ctx, { cardId: params.id, ...body })) }),
);
