import { index, jsonb, pgEnum, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, ts } from "./_common";

export const emailStatusEnum = pgEnum("email_status", ["outbox", "sent", "failed"]);

// Every email Keepcard sends, whether through Resend or only to the dev outbox (/dev/outbox).
export const emails = pgTable(
  "emails",
  {
    id: id(),
    merchantId: text("merchant_id"),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text").notNull(),
    // What the email is for (magic_link, expiry_reminder, campaign, invitation…) and a key that makes a send happen once.
    kind: text("kind").notNull(),
    dedupeKey: text("dedupe_key").unique(),
    // Extra headers it was sent with (List-Unsubscribe on marketing email), or null.
    headers: jsonb("headers").$type<Record<string, string>>(),
    status: emailStatusEnum("status").notNull().default("outbox"),
    providerId: text("provider_id"),
    error: text("error"),
    sentAt: ts("sent_at"),
    createdAt: createdAt(),
  },
  (t) => [index("emails_created_idx").on(t.createdAt), index("emails_to_idx").on(t.to)],
);

export type Email = typeof emails.$inferSelect;
