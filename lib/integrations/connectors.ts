import { and, desc, eq, lt, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { cards, connectorEvents, connectors, programs, type Connector, type ConnectorEvent, type ConnectorProvider } from "../../db/schema";
import type { Executor } from "../../db/client";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { withTransaction, type Ctx } from "../context";
import { decryptSecret, encryptSecret } from "../crypto/secrets";
import { emailRetentionCutoff } from "../email";
import { env } from "../env";
import { AppError, notFound } from "../errors";
import { EntityId, newId, randomString } from "../ids";
import { decodeKeysetCursor, encodeKeysetCursor } from "../paging";
import { receiveDelivery, type Received } from "./receive";
import { shopify } from "./shopify";
import { square } from "./square";
import { stripe } from "./stripe";
import type { Adapter } from "./types";

/** The earn connectors: one per provider and business, reporting to one program. */
export const ADAPTERS: Record<ConnectorProvider, Adapter> = { shopify, stripe, square };
export const PROVIDERS = Object.keys(ADAPTERS) as ConnectorProvider[];
export const Provider = z.enum(["shopify", "stripe", "square"]);

/** The URL the merchant pastes into the provider: APP_URL and the connector's unguessable id, nothing from the request. */
export function connectorWebhookUrl(connector: Pick<Connector, "id" | "provider">): string {
  return `${env.APP_URL.replace(/\/$/, "")}/api/connectors/${connector.provider}/${connector.id}`;
}

export type ConnectorView = Omit<Connector, "secret"> & { hasSecret: boolean; webhookUrl: string };

function view(c: Connector): ConnectorView {
  const { secret, ...rest } = c;
  return { ...rest, hasSecret: Boolean(secret), webhookUrl: connectorWebhookUrl(c) };
}

/** The business's connector for a provider, or null before it is set up. */
export async function getConnector(ctx: Ctx, provider: ConnectorProvider): Promise<ConnectorView | null> {
  assertCan(ctx.actor, "connectors:manage");
  const [row] = await ctx.db.select().from(connectors).where(and(eq(connectors.merchantId, ctx.merchantId), eq(connectors.provider, Provider.parse(provider))));
  return row ? view(row) : null;
}

export const SaveConnectorInput = z
  .object({
    provider: Provider,
    programId: EntityId,
    // Blank keeps the stored secret. Provider secrets are printable ASCII without spaces.
    secret: z
      .string()
      .trim()
      .max(500)
      .regex(/^[\x21-\x7e]*$/, "paste the secret exactly as the provider shows it (no spaces)")
      .optional(),
  })
  .strict();

/** Connects a provider to a program, or changes the program or the signing secret. */
export async function saveConnector(ctx: Ctx, raw: z.input<typeof SaveConnectorInput>): Promise<ConnectorView> {
  assertCan(ctx.actor, "connectors:manage");
  const input = SaveConnectorInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const [program] = await tx.db.select({ id: programs.id }).from(programs).where(and(eq(programs.id, input.programId), eq(programs.merchantId, ctx.merchantId)));
    if (!program) throw notFound("Program");
    const secret = input.secret ? encryptSecret(input.secret) : undefined;
    const [row] = await tx.db
      .insert(connectors)
      .values({ id: newId("con"), merchantId: ctx.merchantId, provider: input.provider, programId: program.id, secret: secret ?? null })
      .onConflictDoUpdate({
        target: [connectors.merchantId, connectors.provider],
        set: { programId: program.id, ...(secret ? { secret } : {}), updatedAt: sql`now()` },
      })
      .returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "connector.saved", { type: "connector", id: row!.id }, { provider: input.provider, programId: program.id, secretChanged: Boolean(secret) });
    return view(row!);
  });
}

export const ListConnectorEventsInput = z.object({ provider: Provider, cursor: z.string().max(500).optional(), limit: z.int().min(1).max(100).default(20) }).strict();

export type ConnectorEventRow = ConnectorEvent & { customerId: string | null };

/** The connector's received events, newest first, a page at a time, with the member each one credited. */
export async function listConnectorEvents(ctx: Ctx, raw: z.input<typeof ListConnectorEventsInput>): Promise<{ data: ConnectorEventRow[]; nextCursor: string | null }> {
  assertCan(ctx.actor, "connectors:manage");
  const input = ListConnectorEventsInput.parse(raw);
  const connector = await getConnector(ctx, input.provider);
  if (!connector) return { data: [], nextCursor: null };
  const where = [eq(connectorEvents.connectorId, connector.id), eq(connectorEvents.merchantId, ctx.merchantId)];
  const after = input.cursor ? decodeKeysetCursor(input.cursor) : null;
  if (after) where.push(sql`(${connectorEvents.createdAt}, ${connectorEvents.id}) < (${after.at}::timestamptz, ${after.id})`);
  const rows = await ctx.db
    .select({ event: connectorEvents, customerId: cards.customerId, at: sql<string>`${connectorEvents.createdAt}::text` })
    .from(connectorEvents)
    .leftJoin(cards, and(eq(cards.id, connectorEvents.cardId), eq(cards.merchantId, ctx.merchantId)))
    .where(and(...where))
    .orderBy(desc(connectorEvents.createdAt), desc(connectorEvents.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return { data: page.map((r) => ({ ...r.event, customerId: r.customerId })), nextCursor: rows.length > input.limit && last ? encodeKeysetCursor(last.at, last.event.id) : null };
}

export const TEST_EMAIL = "test-customer@keepcard.invalid";
export const TEST_AMOUNT = { minorUnits: 2500 };

/**
 * "Send a test event": a sample purchase of 25.00 (in the program's currency) signed with the stored
 * secret the way the provider signs, run through the same verification, mapping and customer lookup
 * as a real delivery, and logged as a test. A test never moves points.
 */
export async function sendTestEvent(ctx: Ctx, raw: { provider: ConnectorProvider }): Promise<Received> {
  assertCan(ctx.actor, "connectors:manage");
  const provider = Provider.parse(raw.provider);
  const [row] = await ctx.db
    .select({ connector: connectors, currency: programs.currency })
    .from(connectors)
    .innerJoin(programs, eq(programs.id, connectors.programId))
    .where(and(eq(connectors.merchantId, ctx.merchantId), eq(connectors.provider, provider)));
  if (!row) throw notFound("Connector");
  if (!row.connector.secret) throw new AppError("conflict", "Paste the signing secret first: the test event is signed with it.");
  const adapter = ADAPTERS[provider];
  const url = connectorWebhookUrl(row.connector);
  const delivery = adapter.sample(url, decryptSecret(row.connector.secret), { id: randomString(12), email: TEST_EMAIL, amount: TEST_AMOUNT.minorUnits, currency: row.currency });
  return receiveDelivery(ctx.db, { provider, connectorId: row.connector.id, delivery, test: true });
}

/**
 * A delivery for someone who is not a member keeps their email or phone in the log only as long as
 * stored emails are kept (EMAIL_RETENTION_DAYS): long enough to see why a purchase earned nothing,
 * not a list of strangers' addresses. Run by the outbox sweep; returns how many lines it cleared.
 */
export async function forgetStrangersInLog(db: Executor, at = new Date(), scope: { merchantId?: string } = {}): Promise<number> {
  const cutoff = emailRetentionCutoff(at);
  const cleared = await db
    .update(connectorEvents)
    .set({ message: STRANGER_FORGOTTEN })
    .where(
      and(
        eq(connectorEvents.outcome, "no_customer"),
        lt(connectorEvents.createdAt, cutoff),
        ne(connectorEvents.message, STRANGER_FORGOTTEN),
        scope.merchantId ? eq(connectorEvents.merchantId, scope.merchantId) : undefined,
      ),
    )
    .returning({ id: connectorEvents.id });
  return cleared.length;
}

export const STRANGER_FORGOTTEN = "No member matched. The buyer's email and phone were removed from this log after the retention period.";
