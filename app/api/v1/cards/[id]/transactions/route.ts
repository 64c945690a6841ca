import { z } from "zod";
import { listEntries } from "@/lib/cards/read";
import { presentEntry } from "../../../../_http/present";
import { apiRoute } from "../../../../_http/route";

export const TransactionsQuery = z.object({
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

// GET /api/v1/cards/{id}/transactions?cursor= — ledger entries, newest first
export const GET = apiRoute<{ id: string }, undefined, typeof TransactionsQuery>({ query: TransactionsQuery }, async ({ ctx, params, query }) => {
  const page = await listEntries(ctx, { cardId: params.id, ...query });
  return { status: 200, body: { data: page.data.map(presentEntry), nextCursor: page.nextCursor } };
});
