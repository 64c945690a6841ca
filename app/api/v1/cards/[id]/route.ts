import { getCard } from "@/lib/cards/read";
import { CardOut, presentCard } from "../../../_http/present";
import { apiRoute } from "../../../_http/route";

// GET /api/v1/cards/{id} — balance, tier, status and links
export const GET = apiRoute(
  { summary: "Get a card", params: ["id"], response: { status: 200, schema: CardOut }, errors: [404] },
  async ({ ctx, params }) => ({ status: 200, body: presentCard(await getCard(ctx, params.id)) }),
);
