import { connectorRoute } from "../../_route";

// POST /api/connectors/stripe/{connectorId} — a Stripe account webhook: checkout.session.completed and charge.succeeded earn, charge.refunded takes back
export const POST = connectorRoute("stripe");
