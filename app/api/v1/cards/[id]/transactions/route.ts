import { z } from "zod";
import { ListEntriesInput, listEntries } from "@/lib/cards/read";
import { EntryOut, presentEntry } from "../../../../_http/present";
import { apiRoute } from "../../../../_http/route";

// GET /api/v1/cards/{id}/transactions?cursor=&limit= — ledger entries, newest first
export const GET = apiRoute(
  {
    summary: "Ledger entries, newest first",
    params: ["id"],
    query: ListEntriesInput,
    response: { status: 200, schema: z.object({ data: z.array(EntryOut), nextCursor: z.string().nullable() }) },
    errors: [404],
  },
  async ({ ctx, params, query }) => {
    const page = await listEntries(ctx, { cardId: params.id, ...query });
    return { status: 200, body: { data: page.data.map(presentEntry), nextCursor: page.nextCursor } };
  },
);
