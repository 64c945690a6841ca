DROP INDEX "ledger_entries_card_seq_idx";--> statement-breakpoint
CREATE INDEX "ledger_entries_card_seq_idx" ON "ledger_entries" USING btree ("card_id","seq","kind","created_at","amount");