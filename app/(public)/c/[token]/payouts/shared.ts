import { isAppError } from "@/lib/errors";

export const TOKEN = /^[A-Za-z0-9]{16,64}$/;

/** Back to the card page's payouts section with a note: a path of ours, never a URL from the request. */
export const backToPayouts = (token: string, note?: string) =>
  new Response(null, { status: 303, headers: { location: `/c/${token}${note ? `?payouts=${note}` : ""}#payouts` } });

/** The note for an error of a payouts form: the holder sees a sentence on the card page, never a stack. */
export function noteFor(error: unknown): string {
  if (isAppError(error) && error.code === "rate_limited") return "busy";
  if (isAppError(error) && error.code === "not_found") return "gone";
  return "unavailable";
}
