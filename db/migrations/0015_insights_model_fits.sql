CREATE TABLE "insights_model_fits" (
	"merchant_id" text NOT NULL,
	"program_id" text NOT NULL,
	"day" date NOT NULL,
	"r" double precision NOT NULL,
	"alpha" double precision NOT NULL,
	"a" double precision NOT NULL,
	"b" double precision NOT NULL,
	"members" integer NOT NULL,
	"log_likelihood" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "insights_model_fits_merchant_id_program_id_day_pk" PRIMARY KEY("merchant_id","program_id","day")
);
--> statement-breakpoint
ALTER TABLE "insights_model_fits" ADD CONSTRAINT "insights_model_fits_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;