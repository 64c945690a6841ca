import { z } from "zod";
import { ProblemOut } from "./present";
import { API_SCOPES, SCOPE_LABELS } from "@/lib/api-keys/scopes";
import { errorStatuses, requiredScope, type ApiContract, type ErrorStatus } from "./route";

/** A route file under app/api/v1: its URL path below /api/v1 ("/cards/{id}") and its exports. */
export type RouteModule = { path: string; module: object };

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** The operations of a route file: each exported method handler that carries a contract. */
export function operationsOf({ path, module }: RouteModule): { path: string; method: (typeof HTTP_METHODS)[number]; contract: ApiContract }[] {
  return HTTP_METHODS.flatMap((method) => {
    const handler = (module as Record<string, unknown>)[method];
    const contract = typeof handler === "function" ? (handler as { contract?: ApiContract }).contract : undefined;
    return contract ? [{ path, method, contract }] : [];
  });
}

// IETF draft httpapi-ratelimit-headers; X-RateLimit-Limit and X-RateLimit-Remaining are sent too, for older integrations.
const RATE_LIMIT_HEADERS = {
  "RateLimit-Policy": { description: 'The key\'s quota: `"default";q=<requests>;w=<seconds>`.', schema: { type: "string" } },
  RateLimit: { description: 'What is left of it: `"default";r=<remaining>;t=<seconds until the window resets>`.', schema: { type: "string" } },
};

const DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: "Malformed: the body is not JSON",
  401: "Missing or invalid API key",
  403: "The API key may not do this: a scope it lacks, or a location it is not bound to",
  404: "Not found (or another merchant's)",
  409: "Conflict: insufficient_balance, out_of_stock, not_available, already_redeemed, idempotency_conflict, inactive, card_held",
  410: "Expired",
  422: "Invalid input; `errors` lists the fields",
  429: "Rate limited; see Retry-After",
  503: "Temporarily unavailable; retry",
};

function schema(s: z.ZodType, io: "input" | "output") {
  return z.toJSONSchema(s, { target: "draft-2020-12", io, unrepresentable: "any" });
}

function operationId(method: string, path: string) {
  return `${method.toLowerCase()}${path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`;
}

/** The OpenAPI 3.1 document, built from the contracts the routes declare and validate with. */
export function openApiDocument(serverUrl: string, routes: readonly RouteModule[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { path, method, contract } of routes.flatMap(operationsOf)) {
    const parameters = [
      ...[...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } })),
      ...Object.entries(contract.query?.shape ?? {}).map(([name, field]) => ({
        name,
        in: "query",
        required: !field.safeParse(undefined).success,
        description: field.description,
        schema: schema(field, "input"),
      })),
      ...(method === "GET" || method === "HEAD"
        ? []
        : [{ name: "Idempotency-Key", in: "header", required: false, description: "Retry-safe key, unique per merchant; replays return the first result.", schema: { type: "string", maxLength: 255 } }]),
    ];
    const streams = Object.fromEntries((contract.response.streams ?? []).map((type) => [type, { schema: { type: "string", description: "Streamed as it is produced." } }]));
    const ok = { description: "OK", headers: RATE_LIMIT_HEADERS, content: { "application/json": { schema: schema(contract.response.schema, "output") }, ...streams } };
    const responses: Record<string, unknown> = { [contract.response.status]: ok };
    for (const status of contract.response.also ?? []) responses[status] = ok;
    for (const status of errorStatuses(contract, method)) {
      responses[status] = {
        description: DESCRIPTIONS[status],
        headers: status === 429 ? { ...RATE_LIMIT_HEADERS, "Retry-After": { description: "Seconds until the window frees up.", schema: { type: "integer" } } } : RATE_LIMIT_HEADERS,
        content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
      };
    }
    paths[path] ??= {};
    const scope = requiredScope(contract, method);
    paths[path][method.toLowerCase()] = {
      summary: contract.summary,
      operationId: operationId(method, path),
      // The key's scope this operation needs: as the bearer scheme's required scopes and spelled out.
      security: [{ bearer: [scope] }],
      "x-keepcard-scope": scope,
      parameters,
      // A body every field of which is optional may be left out (an empty body reads as {}).
      ...(contract.body ? { requestBody: { required: !contract.body.safeParse({}).success, content: { "application/json": { schema: schema(contract.body, "input") } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: { title: "Keepcard API", version: "1.0.0", description: "Loyalty cards, points, rewards and vouchers. Errors are RFC 9457 problem+json with a stable `code`." },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: `An API key from the dashboard or \`npm run cli -- api-key create\`. Each key has scopes; each operation names the one it needs (\`security\`, \`x-keepcard-scope\`): ${API_SCOPES.map((s) => `\`${s}\` (${SCOPE_LABELS[s].toLowerCase()})`).join(", ")}. A key bound to a location earns and redeems only there.`,
        },
      },
      schemas: { Problem: schema(ProblemOut, "output") },
    },
    paths,
  };
}
