import { env } from "@/lib/env";
import { openApiDocument } from "../../_http/openapi";
import { json } from "../../_http/problem";

// GET /api/v1/openapi.json — the API's OpenAPI 3.1 document (no auth)
export function GET(): Response {
  return json(200, openApiDocument(`${env.APP_URL.replace(/\/$/, "")}/api/v1`), { "cache-control": "public, max-age=300" });
}
