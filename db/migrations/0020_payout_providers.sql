ALTER TYPE "public"."payout_provider" ADD VALUE 'stripe';--> statement-breakpoint
ALTER TYPE "public"."payout_provider" ADD VALUE 'paypal';--> statement-breakpoint
ALTER TYPE "public"."payout_status" ADD VALUE 'sent';--> statement-breakpoint
ALTER TYPE "public"."payout_status" ADD VALUE 'returned';--> statement-breakpoint
CREATE TABLE "payout_accounts" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"stripe_account_id" text,
	"stripe_ready" boolean DEFAULT false NOT NULL,
	"paypal_email" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payout_accounts_stripe_account_id_unique" UNIQUE("stripe_account_id")
);
--> statement-breakpoint
CREATE TABLE "payout_provider_events" (
	"provider" text NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"payout_id" text,
	"outcome" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payout_provider_events_provider_event_id_pk" PRIMARY KEY("provider","event_id")
);
--> statement-breakpoint
DROP INDEX "payouts_open_card_uq";--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "provider_batch_id" text;--> statement-breakpoint
ALTER TABLE "payouts" ADD COLUMN "returned_entry_id" text;--> statement-breakpoint
ALTER TABLE "payout_accounts" ADD CONSTRAINT "payout_accounts_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_accounts" ADD CONSTRAINT "payout_accounts_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payouts_batch_idx" ON "payouts" USING btree ("provider_batch_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payouts_open_card_uq" ON "payouts" USING btree ("card_id") WHERE paid_at is null and returned_entry_id is null;