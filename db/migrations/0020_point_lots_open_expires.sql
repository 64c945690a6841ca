DROP INDEX "point_lots_expires_idx";--> statement-breakpoint
CREATE INDEX "point_lots_open_expires_idx" ON "point_lots" USING btree ("expires_at","card_id") WHERE "point_lots"."remaining" > 0;