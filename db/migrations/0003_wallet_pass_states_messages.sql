CREATE TABLE "apple_pass_states" (
	"card_id" text PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"modified_at" timestamp with time zone NOT NULL,
	"pushed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wallet_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"card_id" text NOT NULL,
	"reason" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"google_sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "apple_pass_states" ADD CONSTRAINT "apple_pass_states_card_id_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."cards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallet_messages" ADD CONSTRAINT "wallet_messages_card_id_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."cards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "wallet_messages_card_reason_uq" ON "wallet_messages" USING btree ("card_id","reason");--> statement-breakpoint
CREATE INDEX "wallet_messages_card_idx" ON "wallet_messages" USING btree ("card_id","created_at");