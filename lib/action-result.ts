/**
 * What every server action returns, and what the client hook hands to a form: data, or a message a
 * person can act on (never a raw error). Types only, so client components import it without
 * pulling server code in.
 */
import type { ErrorCode } from "./errors";

/** "internal": an unexpected error, logged on the server; "network": the client could not reach the action. */
export type ActionErrorCode = ErrorCode | "internal" | "network";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; code: ActionErrorCode; error: string; fieldErrors?: Record<string, string> };
