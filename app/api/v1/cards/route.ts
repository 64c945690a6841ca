import { z } from "zod";
import { EnrollInput, enroll } from "@/lib/cards/enroll";
import { ListCardsInput, listCards } from "@/lib/cards/list";
import { CardOut, presentCard } from "../../_http/present";
import { apiRoute } from "../../_http/route";

// GET /api/v1/cards?email=&phone=&programId=&cursor=&limit= — look cards up by customer or program, oldest first
export const GET = apiRoute(
  {
    summary: "Find cards by email, phone or program",
    query: ListCardsInput,
    response: { status: 200, schema: z.object({ data: z.array(CardOut), nextCursor: z.string().nullable() }) },
  },
  async ({ ctx, query }) => {
    const page = await listCards(ctx, query);
    return { status: 200, body: { data: page.data.map(presentCard), nextCursor: page.nextCursor } };
  },
);

// POST /api/v1/cards — enroll a customer; 200 with the existing card when they already have one
export const POST = apiRoute(
  {
    summary: "Enroll a customer (200 with the existing card)",
    scope: "earn",
    body: EnrollInput,
    response: { status: 201, also: [200], schema: CardOut },
    errors: [404, 409],
  },
  async ({ ctx, body }) => {
    const { card, created } = await enroll(ctx, body);
    return { status: created ? 201 : 200, body: presentCard(card) };
  },
);
