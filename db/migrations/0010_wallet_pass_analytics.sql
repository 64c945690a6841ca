CREATE TABLE "wallet_pass_activity" (
	"card_id" text PRIMARY KEY NOT NULL,
	"apple_pushed_at" timestamp with time zone,
	"apple_fetched_at" timestamp with time zone,
	"google_pushed_at" timestamp with time zone,
	"google_fetched_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "wallet_pass_events" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"card_id" text NOT NULL,
	"wallet" text NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"dedupe_key" text,
	CONSTRAINT "wallet_pass_events_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
ALTER TABLE "wallet_pass_activity" ADD CONSTRAINT "wallet_pass_activity_card_id_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."cards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallet_pass_events" ADD CONSTRAINT "wallet_pass_events_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallet_pass_events" ADD CONSTRAINT "wallet_pass_events_card_id_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."cards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "wallet_pass_events_merchant_at_idx" ON "wallet_pass_events" USING btree ("merchant_id","at");--> statement-breakpoint
CREATE INDEX "wallet_pass_events_card_idx" ON "wallet_pass_events" USING btree ("card_id","at");