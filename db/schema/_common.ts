import { text, timestamp, type AnyPgColumn } from "drizzle-orm/pg-core";

export const id = () => text("id").primaryKey();
export const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
export const updatedAt = () => timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** The row this one belongs to (merchant, program, card…): required, and deleted with it. */
export const belongsTo = (name: string, parent: () => AnyPgColumn) => text(name).notNull().references(parent, { onDelete: "cascade" });

/** A row that extends its parent one to one: the parent's id is its primary key, deleted with it. */
export const extensionOf = (name: string, parent: () => AnyPgColumn) => text(name).primaryKey().references(parent, { onDelete: "cascade" });

export const timestamps = () => ({ createdAt: createdAt(), updatedAt: updatedAt() });
