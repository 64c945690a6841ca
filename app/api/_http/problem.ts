import { z } from "zod";
import { AppError, isAppError, zodFieldErrors, type ErrorCode, type FieldError } from "@/lib/errors";
import { EmbeddedDbBusyError } from "@/db/client";

export type Problem = { type: string; title: string; status: number; detail: string; code: ErrorCode | "internal"; errors?: FieldError[] };

const TITLES: Record<ErrorCode | "internal", string> = {
  invalid: "Invalid input",
  malformed: "Malformed request",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  not_found: "Not found",
  conflict: "Conflict",
  idempotency_conflict: "Idempotency-Key reused",
  insufficient_balance: "Insufficient balance",
  out_of_stock: "Out of stock",
  not_available: "Not available to this card",
  already_redeemed: "Already redeemed",
  expired: "Expired",
  invalid_token: "Invalid code",
  wrong_merchant: "Not found",
  inactive: "Not active",
  card_held: "Card held for review",
  rate_limited: "Too many requests",
  unavailable: "Temporarily unavailable",
  internal: "Internal error",
};

/** Maps any error to an RFC 9457 body. Only AppError and validation errors show their message. */
export function toProblem(error: unknown): Problem {
  if (error instanceof z.ZodError) error = new AppError("invalid", "The request has invalid fields.", { errors: zodFieldErrors(error.issues) });
  if (isAppError(error)) {
    // A token of another merchant is reported as not found, like any other merchant's object.
    const code: ErrorCode = error.code === "wrong_merchant" ? "not_found" : error.code;
    return {
      type: `/docs/errors#${code}`,
      title: TITLES[code],
      status: error.status,
      detail: error.message,
      code,
      ...(error.errors ? { errors: error.errors } : {}),
    };
  }
  if (error instanceof EmbeddedDbBusyError) {
    return { type: "/docs/errors#unavailable", title: TITLES.unavailable, status: 503, detail: "The database is busy.", code: "unavailable" };
  }
  console.error("[api] unexpected error", error);
  return { type: "/docs/errors#internal", title: TITLES.internal, status: 500, detail: "Something went wrong on our side. It has been logged.", code: "internal" };
}

export function problemResponse(error: unknown): Response {
  const problem = toProblem(error);
  const headers: Record<string, string> = { "content-type": "application/problem+json" };
  if (isAppError(error) && error.retryAfter) headers["retry-after"] = String(error.retryAfter);
  if (problem.status === 401) headers["www-authenticate"] = 'Bearer realm="keepcard"';
  return new Response(JSON.stringify(problem), { status: problem.status, headers });
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}
