CREATE TABLE "insights_day_totals" (
	"merchant_id" text NOT NULL,
	"timezone" text NOT NULL,
	"day" date NOT NULL,
	"program_id" text NOT NULL,
	"location_id" text NOT NULL,
	"cashier_id" text NOT NULL,
	"visits" bigint NOT NULL,
	"purchases" bigint NOT NULL,
	"revenue" bigint NOT NULL,
	"issued" bigint NOT NULL,
	"redeemed" bigint NOT NULL,
	"expired" bigint NOT NULL,
	CONSTRAINT "insights_day_totals_merchant_id_timezone_day_program_id_location_id_cashier_id_pk" PRIMARY KEY("merchant_id","timezone","day","program_id","location_id","cashier_id")
);
--> statement-breakpoint
CREATE TABLE "insights_month_visitors" (
	"merchant_id" text NOT NULL,
	"timezone" text NOT NULL,
	"month" text NOT NULL,
	"program_id" text NOT NULL,
	"cohort" text NOT NULL,
	"members" integer NOT NULL,
	CONSTRAINT "insights_month_visitors_merchant_id_timezone_month_program_id_cohort_pk" PRIMARY KEY("merchant_id","timezone","month","program_id","cohort")
);
--> statement-breakpoint
CREATE TABLE "insights_range_counts" (
	"merchant_id" text NOT NULL,
	"timezone" text NOT NULL,
	"day" date NOT NULL,
	"program_id" text NOT NULL,
	"current" boolean NOT NULL,
	"visitors" integer NOT NULL,
	"repeaters" integer NOT NULL,
	CONSTRAINT "insights_range_counts_merchant_id_timezone_day_program_id_current_pk" PRIMARY KEY("merchant_id","timezone","day","program_id","current")
);
--> statement-breakpoint
DROP INDEX "insights_member_scores_group_idx";--> statement-breakpoint
ALTER TABLE "insights_day_totals" ADD CONSTRAINT "insights_day_totals_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insights_month_visitors" ADD CONSTRAINT "insights_month_visitors_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insights_range_counts" ADD CONSTRAINT "insights_range_counts_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "insights_card_days_place_idx" ON "insights_card_days" USING btree ("merchant_id","timezone","location_id","cashier_id","day");--> statement-breakpoint
CREATE INDEX "insights_member_scores_group_idx" ON "insights_member_scores" USING btree ("merchant_id","program_id","grp","monetary" DESC NULLS LAST,"last_visit_at" DESC NULLS LAST,"card_id");--> statement-breakpoint
-- The stored aggregates have no day totals, month visitors or range counts yet: the next read or refresh rebuilds them.
DELETE FROM "insights_aggregates";
