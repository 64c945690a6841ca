import { AppError } from "@/lib/errors";

/**
 * The one JSON body reader of the HTTP routes (the v1 API and Apple's web service): an empty body
 * reads as `{}`, anything that is not JSON is a `malformed` error (400). Validating the value is
 * the caller's job, with the zod schema of the verb it calls.
 */
export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new AppError("malformed", "The body is not valid JSON.");
  }
  // No text anywhere in a body may hold NUL: Postgres cannot store it (a 500 from the database),
  // whichever field carries it, free-form JSON included. The schemas refuse other control characters per field.
  const at = nulPath(value, "");
  if (at !== null) throw new AppError("invalid", "Text must not contain NUL characters.", { errors: [{ path: at || "(body)", message: "must not contain NUL characters" }] });
  return value;
}

/** The path of the first string or key holding U+0000, or null. */
function nulPath(value: unknown, path: string): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (key.includes("\u0000")) return here;
      const found = nulPath(inner, here);
      if (found !== null) return found;
    }
  }
  return null;
}
