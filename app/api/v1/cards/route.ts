import { EnrollInput, enroll } from "@/lib/cards/enroll";
import { CardOut, presentCard } from "../../_http/present";
import { apiRoute } from "../../_http/route";

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
