import { date, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamps, ts } from "./_common";
import { merchantOwned } from "./merchants";

export const customers = pgTable(
  "customers",
  {
    ...merchantOwned(),
    // Lower-cased. Erasure replaces it with a placeholder so the ledger stays whole.
    email: text("email").notNull(),
    name: text("name"),
    phone: text("phone"),
    birthday: date("birthday", { mode: "string" }),
    marketingConsentAt: ts("marketing_consent_at"),
    erasedAt: ts("erased_at"),
    ...timestamps(),
  },
  (t) => [uniqueIndex("customers_merchant_email_uq").on(t.merchantId, t.email), index("customers_merchant_created_idx").on(t.merchantId, t.createdAt)],
);

export type Customer = typeof customers.$inferSelect;
