CREATE TYPE "public"."referral_status" AS ENUM('pending', 'credited', 'refused');--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"program_id" text NOT NULL,
	"referrer_card_id" text NOT NULL,
	"referee_card_id" text NOT NULL,
	"status" "referral_status" DEFAULT 'pending' NOT NULL,
	"reason" text,
	"referrer_points" integer DEFAULT 0 NOT NULL,
	"referee_points" integer DEFAULT 0 NOT NULL,
	"qualifying_entry_id" text,
	"credited_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bonus_grants" ADD COLUMN "voucher_id" text;--> statement-breakpoint
ALTER TABLE "lifecycle_settings" ADD COLUMN "welcome_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "lifecycle_settings" ADD COLUMN "welcome_bonus" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "lifecycle_settings" ADD COLUMN "birthday_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "lifecycle_settings" ADD COLUMN "birthday_reward_id" text;--> statement-breakpoint
ALTER TABLE "lifecycle_settings" ADD COLUMN "birthday_days_before" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "lifecycle_settings" ADD COLUMN "referral_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "lifecycle_settings" ADD COLUMN "referral_min_purchase" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "lifecycle_settings" ADD COLUMN "referral_monthly_cap" integer;--> statement-breakpoint
ALTER TABLE "lifecycle_settings" ADD COLUMN "winback_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referrer_card_id_cards_id_fk" FOREIGN KEY ("referrer_card_id") REFERENCES "public"."cards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referee_card_id_cards_id_fk" FOREIGN KEY ("referee_card_id") REFERENCES "public"."cards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_referee_uq" ON "referrals" USING btree ("referee_card_id");--> statement-breakpoint
CREATE INDEX "referrals_referrer_idx" ON "referrals" USING btree ("referrer_card_id","credited_at");--> statement-breakpoint
CREATE INDEX "referrals_program_status_idx" ON "referrals" USING btree ("program_id","status");--> statement-breakpoint
CREATE INDEX "bonus_grants_card_idx" ON "bonus_grants" USING btree ("card_id","created_at");