import { sql } from "drizzle-orm";
import { index, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./_common";
import { merchantOwned } from "./merchants";

export const apiKeys = pgTable(
  "api_keys",
  {
    ...merchantOwned(),
    name: text("name").notNull(),
    // First characters of the key, shown in the dashboard to tell keys apart.
    prefix: text("prefix").notNull(),
    // SHA-256 of the whole key; the key itself is shown once and never stored.
    hash: text("hash").notNull().unique(),
    // What the key may do: read, earn, redeem, manage (lib/api-keys/scopes.ts). Keys made before
    // scopes existed keep full access.
    scopes: text("scopes").array().notNull().default(sql`'{read,earn,redeem,manage}'::text[]`),
    // A till's key: it earns and redeems only at this location. Null: anywhere.
    locationId: text("location_id"),
    createdBy: text("created_by"),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [index("api_keys_merchant_idx").on(t.merchantId)],
);

export type ApiKey = typeof apiKeys.$inferSelect;
