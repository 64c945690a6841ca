DROP INDEX "outbox_pending_idx";--> statement-breakpoint
CREATE INDEX "outbox_pending_merchant_idx" ON "outbox_events" USING btree ("merchant_id","created_at","id") WHERE dispatched_at is null;--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox_events" USING btree ("created_at","id") WHERE dispatched_at is null;