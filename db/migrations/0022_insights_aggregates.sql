CREATE TABLE "insights_aggregates" (
	"merchant_id" text PRIMARY KEY NOT NULL,
	"timezone" text NOT NULL,
	"currency" text NOT NULL,
	"through_day" date NOT NULL,
	"reversals_seq" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "insights_card_days" (
	"merchant_id" text NOT NULL,
	"timezone" text NOT NULL,
	"day" date NOT NULL,
	"card_id" text NOT NULL,
	"program_id" text NOT NULL,
	"location_id" text NOT NULL,
	"cashier_id" text NOT NULL,
	"visits" integer NOT NULL,
	"purchases" integer NOT NULL,
	"revenue" bigint NOT NULL,
	"issued" bigint NOT NULL,
	"redeemed" bigint NOT NULL,
	"expired" bigint NOT NULL,
	"day_visits" integer DEFAULT 0 NOT NULL,
	"prev_day" date,
	"prev_visits" integer,
	"prev2_day" date,
	CONSTRAINT "insights_card_days_merchant_id_timezone_day_card_id_location_id_cashier_id_pk" PRIMARY KEY("merchant_id","timezone","day","card_id","location_id","cashier_id")
);
--> statement-breakpoint
CREATE TABLE "insights_group_stats" (
	"merchant_id" text NOT NULL,
	"program_id" text NOT NULL,
	"grp" text NOT NULL,
	"members" integer NOT NULL,
	"avg_last_visit" double precision NOT NULL,
	"avg_visits" double precision NOT NULL,
	"avg_monetary" double precision NOT NULL,
	"expected_90" double precision,
	"spenders" boolean DEFAULT false NOT NULL,
	CONSTRAINT "insights_group_stats_merchant_id_program_id_grp_pk" PRIMARY KEY("merchant_id","program_id","grp")
);
--> statement-breakpoint
ALTER TABLE "insights_aggregates" ADD CONSTRAINT "insights_aggregates_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insights_card_days" ADD CONSTRAINT "insights_card_days_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insights_group_stats" ADD CONSTRAINT "insights_group_stats_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "insights_card_days_card_idx" ON "insights_card_days" USING btree ("merchant_id","timezone","card_id","day");--> statement-breakpoint
CREATE INDEX "ledger_entries_reversals_idx" ON "ledger_entries" USING btree ("merchant_id","seq") WHERE kind = 'reverse';