ALTER TABLE "apple_pass_states" ADD COLUMN "shown_balance" integer;--> statement-breakpoint
ALTER TABLE "apple_pass_states" ADD COLUMN "shown_tier" text;--> statement-breakpoint
ALTER TABLE "apple_pass_states" ADD COLUMN "quiet_balance" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "google_wallet_messages" ADD COLUMN "quota_limited" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "google_wallet_messages" ADD COLUMN "sent_at" timestamp with time zone;--> statement-breakpoint
UPDATE "google_wallet_messages" SET "sent_at" = "created_at" WHERE "sent_at" IS NULL;