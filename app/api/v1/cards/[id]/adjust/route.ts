import { AdjustInput, adjust } from "@/lib/ledger/adjust";
import { presentCard, presentEntry } from "../../../../_http/present";
import { apiRoute } from "../../../../_http/route";

// POST /api/v1/cards/{id}/adjust — a manual correction with a reason (audited)
export const POST = apiRoute<{ id: string }, typeof AdjustInput>({ body: AdjustInput }, async ({ ctx, params, body }) => {
  const { entry, card } = await adjust(ctx, { cardId: params.id, ...body });
  return { status: 201, body: { entry: presentEntry(entry), card: presentCard(card) } };
});
