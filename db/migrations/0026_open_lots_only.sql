-- A point_lots row is an open lot from now on: the statement that takes a lot's last point deletes
-- it. The closed ones go first (nothing read them); on a large table this delete and the index
-- build below are long: run them by hand beforehand (CREATE INDEX CONCURRENTLY) and this finds
-- the work done.
DELETE FROM "point_lots" WHERE "remaining" <= 0;--> statement-breakpoint
DROP INDEX IF EXISTS "point_lots_open_card_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "point_lots_open_expires_idx";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "point_lots_expires_idx" ON "point_lots" USING btree ("expires_at","card_id") WHERE "point_lots"."expires_at" is not null;--> statement-breakpoint
ALTER TABLE "point_lots" ADD CONSTRAINT "point_lots_open" CHECK ("point_lots"."remaining" > 0);
