import { doublePrecision, index, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./_common";

export const merchants = pgTable("merchants", {
  id: id(),
  name: text("name").notNull(),
  currency: text("currency").notNull().default("USD"),
  timezone: text("timezone").notNull().default("UTC"),
  brandColor: text("brand_color").notNull().default("#1f2937"),
  logoUrl: text("logo_url"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const locations = pgTable(
  "locations",
  {
    id: id(),
    merchantId: text("merchant_id").notNull().references(() => merchants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    address: text("address"),
    latitude: doublePrecision("latitude"),
    longitude: doublePrecision("longitude"),
    createdAt: createdAt(),
  },
  (t) => [index("locations_merchant_idx").on(t.merchantId)],
);

export type Merchant = typeof merchants.$inferSelect;
export type Location = typeof locations.$inferSelect;
