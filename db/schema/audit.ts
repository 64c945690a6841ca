import { index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id } from "./_common";
import { actorTypeEnum } from "./ledger";

export const auditLog = pgTable(
  "audit_log",
  {
    id: id(),
    merchantId: text("merchant_id").notNull(),
    actorType: actorTypeEnum("actor_type").notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index("audit_merchant_created_idx").on(t.merchantId, t.createdAt)],
);

export type AuditEntry = typeof auditLog.$inferSelect;
