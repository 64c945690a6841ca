CREATE TABLE "dashboard_daily_stats" (
	"merchant_id" text NOT NULL,
	"timezone" text NOT NULL,
	"day" date NOT NULL,
	"issued" integer NOT NULL,
	"redeemed" integer NOT NULL,
	"active_cards" integer NOT NULL,
	"new_members" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dashboard_daily_stats_merchant_id_timezone_day_pk" PRIMARY KEY("merchant_id","timezone","day")
);
--> statement-breakpoint
ALTER TABLE "dashboard_daily_stats" ADD CONSTRAINT "dashboard_daily_stats_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;