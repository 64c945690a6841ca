DROP INDEX "point_lots_expires_idx";--> statement-breakpoint
DROP INDEX "ledger_entries_reverses_uq";--> statement-breakpoint
CREATE INDEX "customers_email_trgm_idx" ON "customers" USING gin ("email" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "customers_name_trgm_idx" ON "customers" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "point_lots_open_card_idx" ON "point_lots" USING btree ("card_id","created_at") WHERE "point_lots"."remaining" > 0;--> statement-breakpoint
CREATE INDEX "point_lots_open_expires_idx" ON "point_lots" USING btree ("expires_at","card_id") WHERE "point_lots"."remaining" > 0;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_reverses_uq" ON "ledger_entries" USING btree ("reverses_entry_id") WHERE "ledger_entries"."reverses_entry_id" is not null;