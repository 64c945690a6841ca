import { env } from "@/lib/env";
import { openApiDocument } from "../../_http/openapi";
import { json } from "../../_http/problem";
import { API_ROUTES } from "../_registry";

// GET /api/v1/openapi.json — the API's OpenAPI 3.1 document (no auth), built from the routes' contracts
export function GET(): Response {
  return json(200, openApiDocument(`${env.APP_URL.replace(/\/$/, "")}/api/v1`, API_ROUTES), { "cache-control": "public, max-age=300" });
}
