CREATE TYPE "public"."flag_rule" AS ENUM('card_velocity', 'cashier_velocity', 'location_velocity', 'large_purchase', 'signup_burst', 'redeem_after_earn', 'cashier_outlier');--> statement-breakpoint
CREATE TYPE "public"."flag_status" AS ENUM('open', 'confirmed', 'dismissed');--> statement-breakpoint
CREATE TABLE "fraud_flags" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"rule" "flag_rule" NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"window" text NOT NULL,
	"card_id" text,
	"summary" text NOT NULL,
	"evidence" jsonb NOT NULL,
	"status" "flag_status" DEFAULT 'open' NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"resolution_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "weekly_digest" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "cards" ADD COLUMN "held_by_flag_id" text;--> statement-breakpoint
ALTER TABLE "cards" ADD COLUMN "join_ip" text;--> statement-breakpoint
ALTER TABLE "fraud_flags" ADD CONSTRAINT "fraud_flags_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fraud_flags_window_uq" ON "fraud_flags" USING btree ("merchant_id","rule","subject_id","window");--> statement-breakpoint
CREATE INDEX "fraud_flags_merchant_status_idx" ON "fraud_flags" USING btree ("merchant_id","status","created_at");