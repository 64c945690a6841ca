import { eq, lt } from "drizzle-orm";
import { Resend } from "resend";
import type { Executor } from "../../db/client";
import { customers, emails, type Email } from "../../db/schema";
import { unsubscribeUrl } from "../customers/links";
import { env } from "../env";
import { devOutboxEnabled } from "./dev-outbox";
import { newId } from "../ids";

export type OutgoingEmail = {
  to: string;
  subject: string;
  html: string;
  text: string;
  kind: string;
  merchantId?: string | null;
  /** When set, a second send with the same key does nothing and returns the first email. */
  dedupeKey?: string;
  /**
   * Links that carry a credential (sign-in token, invitation token). They are sent but not stored:
   * the recorded copy says "[link removed]", except in the dev outbox (see devOutboxEnabled).
   */
  secretLinks?: string[];
  /** Extra headers (List-Unsubscribe on marketing email, set by sendMarketingEmail). */
  headers?: Record<string, string>;
};

/**
 * Email a customer gets only while they accept marketing, always with a one-click unsubscribe
 * (RFC 8058 headers and a visible link): campaign announcements, win-back, birthday and referral
 * offers, goal news. Expiry reminders and card links are service messages about the customer's own
 * card and balance (what they would lose), not marketing: they go out whatever the preference.
 * sendEmail refuses these kinds; sendMarketingEmail checks the preference before every send.
 */
export const MARKETING_KINDS = ["campaign", "winback", "birthday", "referral", "goal"] as const;
export type MarketingKind = (typeof MARKETING_KINDS)[number];
const isMarketing = (kind: string) => (MARKETING_KINDS as readonly string[]).includes(kind);

/** The copy of a message that is stored: its credential links removed unless the dev outbox needs them. */
export function storedCopy(message: OutgoingEmail): { html: string; text: string } {
  if (!message.secretLinks?.length || (devOutboxEnabled() && !emailConfigured())) return { html: message.html, text: message.text };
  let { html, text } = message;
  for (const link of message.secretLinks) {
    text = text.split(link).join("[link removed]");
    html = html.split(link).join("#link-removed").split(link.replace(/&/g, "&amp;")).join("#link-removed");
  }
  return { html, text };
}

/** Before this moment, what was kept because of an email (the email itself, a buyer's address in a log) is past its retention (EMAIL_RETENTION_DAYS). */
export function emailRetentionCutoff(at = new Date()): Date {
  return new Date(at.getTime() - env.EMAIL_RETENTION_DAYS * 24 * 60 * 60 * 1000);
}

/** Deletes stored emails older than the retention period (EMAIL_RETENTION_DAYS). Run by the outbox sweep. */
export async function expireStoredEmails(db: Executor, at = new Date()): Promise<number> {
  const cutoff = emailRetentionCutoff(at);
  const deleted = await db.delete(emails).where(lt(emails.createdAt, cutoff)).returning({ id: emails.id });
  return deleted.length;
}

let resend: Resend | undefined;

function client(): Resend | null {
  if (!env.RESEND_API_KEY) return null;
  // The SDK reads RESEND_BASE_URL itself, which is how tests point it at a local fake.
  resend ??= new Resend(env.RESEND_API_KEY);
  return resend;
}

export function emailConfigured(): boolean {
  return Boolean(env.RESEND_API_KEY);
}

/**
 * The one way Keepcard sends email. The message is recorded first (and deduplicated by
 * `dedupeKey`), then delivered through Resend when configured. Without Resend it stays in the
 * dev outbox, shown at /dev/outbox and printed in development.
 */
export async function sendEmail(db: Executor, message: OutgoingEmail): Promise<{ email: Email; duplicate: boolean }> {
  if (isMarketing(message.kind)) throw new Error(`a ${message.kind} email is marketing: send it with sendMarketingEmail`);
  return deliver(db, message);
}

/**
 * Sends a marketing email to a customer if, at this moment, they accept marketing (and their data
 * was not erased); otherwise sends nothing and says so. `compose` gets the customer's unsubscribe
 * URL to show as a link; the same URL goes in the `List-Unsubscribe` header, with
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
 */
export async function sendMarketingEmail(
  db: Executor,
  message: {
    customerId: string;
    kind: MarketingKind;
    dedupeKey: string;
    compose: (links: { unsubscribe: string }) => { subject: string; html: string; text: string };
  },
): Promise<{ email: Email | null; duplicate: boolean; suppressed: boolean }> {
  const [customer] = await db
    .select({ id: customers.id, merchantId: customers.merchantId, email: customers.email, consent: customers.marketingConsentAt, erasedAt: customers.erasedAt })
    .from(customers)
    .where(eq(customers.id, message.customerId));
  if (!customer || !customer.consent || customer.erasedAt) return { email: null, duplicate: false, suppressed: true };
  const unsubscribe = unsubscribeUrl(customer);
  const sent = await deliver(db, {
    to: customer.email,
    ...message.compose({ unsubscribe }),
    kind: message.kind,
    merchantId: customer.merchantId,
    dedupeKey: message.dedupeKey,
    headers: { "List-Unsubscribe": `<${unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  });
  return { ...sent, suppressed: false };
}

async function deliver(db: Executor, message: OutgoingEmail): Promise<{ email: Email; duplicate: boolean }> {
  let [recorded] = await db
    .insert(emails)
    .values({ id: newId("eml"), merchantId: message.merchantId ?? null, to: message.to, subject: message.subject, ...storedCopy(message), kind: message.kind, dedupeKey: message.dedupeKey ?? null, headers: message.headers ?? null })
    .onConflictDoNothing()
    .returning();
  if (!recorded) {
    const [first] = await db.select().from(emails).where(eq(emails.dedupeKey, message.dedupeKey!));
    // A send that failed is tried again under the same key (Resend deduplicates on it too).
    if (first!.status !== "failed" || !client()) return { email: first!, duplicate: true };
    recorded = first!;
  }

  const resendClient = client();
  if (!resendClient) {
    if (env.NODE_ENV === "development") console.log(`\n[email] to ${message.to}: ${message.subject}\n${message.text}\n`);
    return { email: recorded, duplicate: false };
  }
  const { data, error } = await resendClient.emails.send(
    { from: env.EMAIL_FROM, to: message.to, subject: message.subject, html: message.html, text: message.text, tags: [{ name: "kind", value: message.kind }], ...(message.headers ? { headers: message.headers } : {}) },
    { idempotencyKey: message.dedupeKey ?? recorded.id },
  );
  const [updated] = await db
    .update(emails)
    .set(error ? { status: "failed", error: `${error.name}: ${error.message}` } : { status: "sent", providerId: data?.id ?? null, sentAt: new Date() })
    .where(eq(emails.id, recorded.id))
    .returning();
  if (error) throw new Error(`email to ${message.to} failed: ${error.message}`);
  return { email: updated!, duplicate: false };
}
