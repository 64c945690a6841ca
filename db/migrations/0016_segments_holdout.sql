CREATE TABLE "customer_tags" (
	"merchant_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"tag" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_tags_customer_id_tag_pk" PRIMARY KEY("customer_id","tag")
);
--> statement-breakpoint
ALTER TABLE "segment_members" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "segment_members" CASCADE;--> statement-breakpoint
ALTER TABLE "segments" DROP CONSTRAINT "segments_program_id_programs_id_fk";
--> statement-breakpoint
ALTER TABLE "campaign_members" ADD COLUMN "holdout" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "holdout_percent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "segments" ADD COLUMN "description" text;--> statement-breakpoint
ALTER TABLE "segments" ADD COLUMN "definition" jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "segments" ADD COLUMN "created_by" text;--> statement-breakpoint
ALTER TABLE "segments" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_tags" ADD CONSTRAINT "customer_tags_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_tags" ADD CONSTRAINT "customer_tags_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_tags_merchant_tag_idx" ON "customer_tags" USING btree ("merchant_id","tag");--> statement-breakpoint
ALTER TABLE "segments" DROP COLUMN "program_id";