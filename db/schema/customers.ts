import { date, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { Language } from "../../lib/i18n/languages";
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
    // What the customer reads the card page, the emails and the wallet passes in (lib/i18n): chosen at join, changeable on the card page.
    language: text("language").$type<Language>().notNull().default("en"),
    marketingConsentAt: ts("marketing_consent_at"),
    erasedAt: ts("erased_at"),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex("customers_merchant_email_uq").on(t.merchantId, t.email),
    index("customers_merchant_created_idx").on(t.merchantId, t.createdAt),
    // The members page searches email and name for any part (`ilike '%q%'`): trigram indexes answer
    // that without reading every customer (3.5 s at a million; bench/results/scale-plans.md).
    index("customers_email_trgm_idx").using("gin", t.email.op("gin_trgm_ops")),
    index("customers_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops")),
  ],
);

export type Customer = typeof customers.$inferSelect;
