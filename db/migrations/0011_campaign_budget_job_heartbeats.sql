CREATE TABLE "merchant_job_heartbeats" (
	"merchant_id" text NOT NULL,
	"name" text NOT NULL,
	"last_run_at" timestamp with time zone NOT NULL,
	"last_ok_at" timestamp with time zone,
	"last_error" text,
	"details" jsonb,
	CONSTRAINT "merchant_job_heartbeats_merchant_id_name_pk" PRIMARY KEY("merchant_id","name")
);
--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "budget" integer;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "spent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "merchant_job_heartbeats" ADD CONSTRAINT "merchant_job_heartbeats_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;