import { eq, lt } from "drizzle-orm";
import { Resend } from "resend";
import type { Executor } from "../../db/client";
import { emails, type Email } from "../../db/schema";
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
};

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

/** Deletes stored emails older than the retention period (EMAIL_RETENTION_DAYS). Run by the outbox sweep. */
export async function expireStoredEmails(db: Executor, at = new Date()): Promise<number> {
  const cutoff = new Date(at.getTime() - env.EMAIL_RETENTION_DAYS * 24 * 60 * 60 * 1000);
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
  let [recorded] = await db
    .insert(emails)
    .values({ id: newId("eml"), merchantId: message.merchantId ?? null, to: message.to, subject: message.subject, ...storedCopy(message), kind: message.kind, dedupeKey: message.dedupeKey ?? null })
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
    { from: env.EMAIL_FROM, to: message.to, subject: message.subject, html: message.html, text: message.text, tags: [{ name: "kind", value: message.kind }] },
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
