DROP INDEX "ledger_entries_reverses_uq";--> statement-breakpoint
CREATE INDEX "point_lots_open_card_idx" ON "point_lots" USING btree ("card_id","created_at") WHERE "point_lots"."remaining" > 0;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_reverses_uq" ON "ledger_entries" USING btree ("reverses_entry_id") WHERE "ledger_entries"."reverses_entry_id" is not null;