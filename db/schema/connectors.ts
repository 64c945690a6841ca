import { boolean, index, integer, pgEnum, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, id, timestamps } from "./_common";
import { merchantOwned, merchants } from "./merchants";
import { programs } from "./programs";

export const connectorProviderEnum = pgEnum("connector_provider", ["shopify", "stripe", "square"]);

// A shop system that reports purchases and refunds to one program (lib/integrations). Its id is
// the unguessable part of the webhook URL the merchant pastes into the provider.
export const connectors = pgTable(
  "connectors",
  {
    ...merchantOwned(),
    provider: connectorProviderEnum("provider").notNull(),
    programId: belongsTo("program_id", () => programs.id),
    // The provider's signing secret, encrypted (lib/crypto/secrets). Null until the merchant pastes it.
    secret: text("secret"),
    ...timestamps(),
  },
  (t) => [uniqueIndex("connectors_merchant_provider_uq").on(t.merchantId, t.provider)],
);

export const connectorOutcomeEnum = pgEnum("connector_outcome", [
  "earned",
  "reversed",
  "duplicate",
  "no_customer",
  "bad_signature",
  "currency_mismatch",
  "ignored",
  "refused",
  "test",
]);

// Every delivery a connector received, with what came of it: the log on the setup page.
export const connectorEvents = pgTable(
  "connector_events",
  {
    id: id(),
    merchantId: belongsTo("merchant_id", () => merchants.id),
    connectorId: belongsTo("connector_id", () => connectors.id),
    topic: text("topic").notNull(),
    // The provider's id of what happened (order, payment intent, refund), as shown.
    externalId: text("external_id"),
    // Set on the delivery that moved points: a second delivery with the same key is a duplicate.
    dedupeKey: text("dedupe_key"),
    // The purchase a refund belongs to (the earn's key).
    orderKey: text("order_key"),
    amount: integer("amount"),
    currency: text("currency"),
    // Points (or stamps, or cashback) moved, signed; refunds owed as debt are in the message.
    points: integer("points"),
    cardId: text("card_id"),
    entryId: text("entry_id"),
    outcome: connectorOutcomeEnum("outcome").notNull(),
    message: text("message").notNull(),
    test: boolean("test").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("connector_events_dedupe_uq").on(t.connectorId, t.dedupeKey),
    index("connector_events_connector_idx").on(t.connectorId, t.createdAt),
    index("connector_events_order_idx").on(t.connectorId, t.orderKey),
  ],
);

export type Connector = typeof connectors.$inferSelect;
export type ConnectorProvider = (typeof connectorProviderEnum.enumValues)[number];
export type ConnectorEvent = typeof connectorEvents.$inferSelect;
export type ConnectorOutcome = (typeof connectorOutcomeEnum.enumValues)[number];
