CREATE TABLE "reward_images" (
	"merchant_id" text NOT NULL,
	"hash" text NOT NULL,
	"content_type" text NOT NULL,
	"data" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rewards" ADD COLUMN "eligible_tiers" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "rewards" ADD COLUMN "available_from" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rewards" ADD COLUMN "available_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rewards" ADD COLUMN "image_hash" text;--> statement-breakpoint
ALTER TABLE "rewards" ADD COLUMN "partner_user_id" text;--> statement-breakpoint
ALTER TABLE "reward_images" ADD CONSTRAINT "reward_images_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "reward_images_merchant_hash_uq" ON "reward_images" USING btree ("merchant_id","hash");--> statement-breakpoint
CREATE INDEX "reward_images_hash_idx" ON "reward_images" USING btree ("hash");--> statement-breakpoint
ALTER TABLE "rewards" ADD CONSTRAINT "rewards_partner_user_id_users_id_fk" FOREIGN KEY ("partner_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rewards_partner_idx" ON "rewards" USING btree ("partner_user_id");--> statement-breakpoint
ALTER TABLE "rewards" ADD CONSTRAINT "rewards_window_order" CHECK ("rewards"."available_from" IS NULL OR "rewards"."available_until" IS NULL OR "rewards"."available_from" < "rewards"."available_until");