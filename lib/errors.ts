/**
 * The one error type of the domain. Verbs throw it; each transport maps it once:
 * the API to RFC 9457 problem+json, server actions to a form error.
 */
export type ErrorCode =
  | "invalid"
  | "malformed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "idempotency_conflict"
  | "insufficient_balance"
  | "out_of_stock"
  | "not_available"
  | "already_redeemed"
  | "expired"
  | "invalid_token"
  | "wrong_merchant"
  | "inactive"
  | "card_held"
  | "rate_limited"
  | "unavailable";

export const STATUS: Record<ErrorCode, number> = {
  invalid: 422,
  malformed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  idempotency_conflict: 409,
  insufficient_balance: 409,
  out_of_stock: 409,
  not_available: 409,
  already_redeemed: 409,
  expired: 410,
  invalid_token: 422,
  wrong_merchant: 404,
  inactive: 409,
  card_held: 409,
  rate_limited: 429,
  unavailable: 503,
};

export type FieldError = { path: string; message: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly errors?: FieldError[];
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message: string, extra: { errors?: FieldError[]; retryAfter?: number } = {}) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.errors = extra.errors;
    this.retryAfter = extra.retryAfter;
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError("not_found", `${what} not found`);

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Field errors from a zod error, with dotted paths. */
export function zodFieldErrors(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): FieldError[] {
  return issues.map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message }));
}
