import { AppError } from "@/lib/errors";

/**
 * The one JSON body reader of the HTTP routes (the v1 API and Apple's web service): an empty body
 * reads as `{}`, anything that is not JSON is a `malformed` error (400). Validating the value is
 * the caller's job, with the zod schema of the verb it calls.
 */
export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("malformed", "The body is not valid JSON.");
  }
}
