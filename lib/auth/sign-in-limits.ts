import { AppError } from "../errors";
import { enforceRateLimit } from "../rate-limit";

/*
 * How many sign-in links go out: five an address and thirty an IP address per ten minutes. A link
 * asked for through the sign-in form passes two checks — the form's, which answers with a friendly
 * message, and Auth.js's own when it sends the email, which also stops direct POSTs to
 * /api/auth/signin/email. They count in separate buckets, so one link counts once in each and a
 * person really gets five.
 */

const PER_IP = { limit: 30, windowSeconds: 600 };

/** The sign-in form's check, before it asks Auth.js for a link. */
export async function limitSignInForm(email: string, ip: string | null): Promise<void> {
  const calm = (e: unknown) => {
    if (e instanceof AppError && e.code === "rate_limited") {
      throw new AppError("rate_limited", `We have sent several links already. Please check your inbox (and spam folder), or try again in ${Math.ceil((e.retryAfter ?? 60) / 60)} minutes.`);
    }
    throw e;
  };
  await enforceRateLimit("signIn", `form:email:${email.toLowerCase()}`).catch(calm);
  if (ip) await enforceRateLimit("signIn", `form:ip:${ip}`, PER_IP).catch(calm);
}

/** Auth.js's check as it sends the email, whoever asked. */
export async function limitMagicLinkSend(email: string, ip: string | null): Promise<void> {
  await enforceRateLimit("signIn", `send:email:${email.toLowerCase()}`);
  if (ip) await enforceRateLimit("signIn", `send:ip:${ip}`, PER_IP);
}
