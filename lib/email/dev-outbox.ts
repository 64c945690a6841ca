import { desc } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { emails, type Email } from "../../db/schema";
import { env } from "../env";

/**
 * Whether /dev/outbox may be shown, and stored sign-in and invitation emails keep their links:
 * development, or DEV_OUTBOX (which production refuses at boot unless it is a local test server).
 */
export function devOutboxEnabled(): boolean {
  return env.NODE_ENV === "development" || env.DEV_OUTBOX;
}

/** The latest emails of every business, newest first, for the dev outbox page (development and end-to-end tests). */
export async function listDevOutbox(db: Executor, params: { limit?: number } = {}): Promise<Email[]> {
  return db
    .select()
    .from(emails)
    .orderBy(desc(emails.createdAt))
    .limit(params.limit ?? 50);
}
