import { boolean, doublePrecision, index, pgTable, text } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, id, timestamps } from "./_common";

export const merchants = pgTable("merchants", {
  id: id(),
  name: text("name").notNull(),
  currency: text("currency").notNull().default("USD"),
  timezone: text("timezone").notNull().default("UTC"),
  brandColor: text("brand_color").notNull().default("#1f2937"),
  logoUrl: text("logo_url"),
  // Shown on the back of the passes: https links and a phone number, each optional.
  websiteUrl: text("website_url"),
  phone: text("phone"),
  termsUrl: text("terms_url"),
  /** The owner requires every member to sign in with a second factor. */
  requireTwoFactor: boolean("require_two_factor").notNull().default(false),
  ...timestamps(),
});

/** The first columns of a row a merchant owns: its id, and the merchant (the row goes with it). */
export const merchantOwned = () => ({ id: id(), merchantId: belongsTo("merchant_id", () => merchants.id) });

export const locations = pgTable(
  "locations",
  {
    ...merchantOwned(),
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
