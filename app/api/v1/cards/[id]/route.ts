import { getCard } from "@/lib/cards/read";
import { presentCard } from "../../../_http/present";
import { apiRoute } from "../../../_http/route";

// GET /api/v1/cards/{id} — balance, tier, status and links
export const GET = apiRoute<{ id: string }>({}, async ({ ctx, params }) => ({ status: 200, body: presentCard(await getCard(ctx, params.id)) }));
