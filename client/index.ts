/**
 * A typed client for Keepcard's REST API: the types are generated from the OpenAPI document
 * (`npm run api:client` writes client/schema.ts) and the calls go through openapi-fetch, so a
 * path, a body field or a response field that the API does not have is a type error.
 *
 *   const keepcard = createKeepcardClient({ baseUrl: "https://loyalty.example.com", apiKey });
 *   const { data, error } = await keepcard.POST("/cards/{id}/earn", {
 *     params: { path: { id: cardId }, header: { "Idempotency-Key": "order-1042" } },
 *     body: { purchase: { amount: 1250, currency: "USD" }, reference: "order-1042" },
 *   });
 *
 * Errors come back as `error`, a problem+json object (`type`, `title`, `status`, `code`, `detail`).
 */
import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import type { components, operations, paths } from "./schema";

export type { components, operations, paths };
export type KeepcardClient = Client<paths>;
/** An error answer of the API (RFC 9457 problem details). */
export type Problem = components["schemas"]["Problem"];

export type KeepcardClientOptions = {
  /** The app's origin (APP_URL), e.g. https://loyalty.example.com; /api/v1 is added. */
  baseUrl: string;
  /** A secret API key (kc_…) from the dashboard's API keys page. */
  apiKey: string;
  /** A fetch to use instead of the global one (tests, proxies, retries). */
  fetch?: ClientOptions["fetch"];
};

export function createKeepcardClient({ baseUrl, apiKey, fetch }: KeepcardClientOptions): KeepcardClient {
  return createClient<paths>({
    baseUrl: `${baseUrl.replace(/\/+$/, "")}/api/v1`,
    headers: { authorization: `Bearer ${apiKey}` },
    ...(fetch ? { fetch } : {}),
  });
}
