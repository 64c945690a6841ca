import { index, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import type { SegmentDefinition } from "../../lib/segments/schema";
import { belongsTo, createdAt, timestamps } from "./_common";
import { customers } from "./customers";
import { merchantOwned, merchants } from "./merchants";

// Saved segments: a named rule over the merchant's cards (tier, balance, spend, visits, tags…),
// evaluated when it is used (lib/segments/sql.ts), so its members are always current.
export const segments = pgTable(
  "segments",
  {
    ...merchantOwned(),
    name: text("name").notNull(),
    description: text("description"),
    // Validated by lib/segments/schema.ts on the way in and again when read.
    definition: jsonb("definition").$type<SegmentDefinition>().notNull(),
    createdBy: text("created_by"),
    ...timestamps(),
  },
  (t) => [index("segments_merchant_idx").on(t.merchantId)],
);

// Labels a merchant puts on customers ("vip", "staff", "wholesale"), usually imported from a CSV.
// Lower-cased; a segment can require or exclude them.
export const customerTags = pgTable(
  "customer_tags",
  {
    merchantId: belongsTo("merchant_id", () => merchants.id),
    customerId: belongsTo("customer_id", () => customers.id),
    tag: text("tag").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.tag] }), index("customer_tags_merchant_tag_idx").on(t.merchantId, t.tag)],
);

export type Segment = typeof segments.$inferSelect;
export type CustomerTag = typeof customerTags.$inferSelect;
