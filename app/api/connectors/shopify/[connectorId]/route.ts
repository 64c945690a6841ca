import { connectorRoute } from "../../_route";

// POST /api/connectors/shopify/{connectorId} — a Shopify custom app's webhook: orders/paid earns, refunds/create takes back
export const POST = connectorRoute("shopify");
