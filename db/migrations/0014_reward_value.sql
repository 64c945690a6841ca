ALTER TABLE "rewards" ADD COLUMN "value" integer;--> statement-breakpoint
ALTER TABLE "rewards" ADD CONSTRAINT "rewards_value_non_negative" CHECK ("rewards"."value" IS NULL OR "rewards"."value" >= 0);