CREATE TYPE "public"."connector_outcome" AS ENUM('earned', 'reversed', 'duplicate', 'no_customer', 'bad_signature', 'currency_mismatch', 'ignored', 'refused', 'test');--> statement-breakpoint
CREATE TYPE "public"."connector_provider" AS ENUM('shopify', 'stripe', 'square');--> statement-breakpoint
CREATE TABLE "connector_events" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"connector_id" text NOT NULL,
	"topic" text NOT NULL,
	"external_id" text,
	"dedupe_key" text,
	"order_key" text,
	"amount" integer,
	"currency" text,
	"points" integer,
	"card_id" text,
	"entry_id" text,
	"outcome" "connector_outcome" NOT NULL,
	"message" text NOT NULL,
	"test" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "connectors" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"provider" "connector_provider" NOT NULL,
	"program_id" text NOT NULL,
	"secret" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cards" DROP CONSTRAINT "cards_balance_non_negative";--> statement-breakpoint
ALTER TABLE "programs" ADD COLUMN "refunds_may_go_negative" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "cards" ADD COLUMN "debt" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "connector_events" ADD CONSTRAINT "connector_events_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connector_events" ADD CONSTRAINT "connector_events_connector_id_connectors_id_fk" FOREIGN KEY ("connector_id") REFERENCES "public"."connectors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connectors" ADD CONSTRAINT "connectors_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connectors" ADD CONSTRAINT "connectors_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "connector_events_dedupe_uq" ON "connector_events" USING btree ("connector_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "connector_events_connector_idx" ON "connector_events" USING btree ("connector_id","created_at");--> statement-breakpoint
CREATE INDEX "connector_events_order_idx" ON "connector_events" USING btree ("connector_id","order_key");--> statement-breakpoint
CREATE UNIQUE INDEX "connectors_merchant_provider_uq" ON "connectors" USING btree ("merchant_id","provider");--> statement-breakpoint
ALTER TABLE "cards" ADD CONSTRAINT "cards_debt_non_negative" CHECK ("cards"."debt" >= 0);