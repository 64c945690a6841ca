import { UpdateCustomerInput, getCustomer, updateCustomer } from "@/lib/customers/update";
import { CustomerOut, presentCustomer } from "../../../_http/present";
import { apiRoute } from "../../../_http/route";

// GET /api/v1/customers/{id} — a card holder's details (customerId on a card)
export const GET = apiRoute(
  { summary: "Get a customer", params: ["id"], response: { status: 200, schema: CustomerOut }, errors: [404] },
  async ({ ctx, params }) => ({ status: 200, body: presentCustomer(await getCustomer(ctx, params.id)) }),
);

// PATCH /api/v1/customers/{id} — change name, email, phone, birthday, language or marketing consent; the passes follow
export const PATCH = apiRoute(
  {
    summary: "Update a customer (the wallet passes show the new name and language)",
    scope: "manage",
    params: ["id"],
    body: UpdateCustomerInput,
    response: { status: 200, schema: CustomerOut },
    errors: [404, 409],
  },
  async ({ ctx, params, body }) => ({ status: 200, body: presentCustomer(await updateCustomer(ctx, { customerId: params.id, ...body })) }),
);
