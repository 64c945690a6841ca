import { eq } from "drizzle-orm";
import { Resend } from "resend";
import type { Executor } from "../../db/client";
import { emails, type Email } from "../../db/schema";
import { env } from "../env";
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
};

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
    .values({ id: newId("eml"), merchantId: message.merchantId ?? null, to: message.to, subject: message.subject, html: message.html, text: message.text, kind: message.kind, dedupeKey: message.dedupeKey ?? null })
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
