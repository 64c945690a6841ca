CREATE TABLE "claim_code_batches" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"program_id" text NOT NULL,
	"name" text NOT NULL,
	"value" integer NOT NULL,
	"quantity" integer NOT NULL,
	"expires_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "claim_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"batch_id" text NOT NULL,
	"merchant_id" text NOT NULL,
	"position" integer NOT NULL,
	"code_hash" text NOT NULL,
	"claimed_at" timestamp with time zone,
	"card_id" text,
	"entry_id" text
);
--> statement-breakpoint
ALTER TABLE "vouchers" ADD COLUMN "issued_location_id" text;--> statement-breakpoint
ALTER TABLE "vouchers" ADD COLUMN "issued_by" text;--> statement-breakpoint
ALTER TABLE "vouchers" ADD COLUMN "voided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "vouchers" ADD COLUMN "voided_by" text;--> statement-breakpoint
ALTER TABLE "claim_code_batches" ADD CONSTRAINT "claim_code_batches_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_code_batches" ADD CONSTRAINT "claim_code_batches_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_codes" ADD CONSTRAINT "claim_codes_batch_id_claim_code_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."claim_code_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_codes" ADD CONSTRAINT "claim_codes_card_id_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."cards"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "claim_code_batches_merchant_idx" ON "claim_code_batches" USING btree ("merchant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "claim_codes_hash_uq" ON "claim_codes" USING btree ("code_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "claim_codes_batch_position_uq" ON "claim_codes" USING btree ("batch_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "claim_codes_entry_uq" ON "claim_codes" USING btree ("entry_id");--> statement-breakpoint
CREATE INDEX "claim_codes_batch_claimed_idx" ON "claim_codes" USING btree ("batch_id","claimed_at");--> statement-breakpoint
CREATE INDEX "vouchers_merchant_created_idx" ON "vouchers" USING btree ("merchant_id","created_at");