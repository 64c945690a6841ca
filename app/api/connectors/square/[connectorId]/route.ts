import { connectorRoute } from "../../_route";

// POST /api/connectors/square/{connectorId} — a Square webhook: payment.updated (COMPLETED) earns, refund.created / refund.updated (COMPLETED) takes back
export const POST = connectorRoute("square");
