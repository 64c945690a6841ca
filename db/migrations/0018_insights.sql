CREATE TABLE "insights_cohort_cells" (
	"merchant_id" text NOT NULL,
	"timezone" text NOT NULL,
	"program_id" text NOT NULL,
	"cohort" text NOT NULL,
	"month" text NOT NULL,
	"members" integer NOT NULL,
	CONSTRAINT "insights_cohort_cells_merchant_id_timezone_program_id_cohort_month_pk" PRIMARY KEY("merchant_id","timezone","program_id","cohort","month")
);
--> statement-breakpoint
CREATE TABLE "insights_daily_net" (
	"merchant_id" text NOT NULL,
	"timezone" text NOT NULL,
	"program_id" text NOT NULL,
	"day" date NOT NULL,
	"net" bigint NOT NULL,
	CONSTRAINT "insights_daily_net_merchant_id_timezone_program_id_day_pk" PRIMARY KEY("merchant_id","timezone","program_id","day")
);
--> statement-breakpoint
CREATE TABLE "insights_member_scores" (
	"card_id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"program_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"first_visit_at" timestamp with time zone NOT NULL,
	"last_visit_at" timestamp with time zone NOT NULL,
	"visits" integer NOT NULL,
	"spend" bigint NOT NULL,
	"monetary" bigint NOT NULL,
	"r" integer NOT NULL,
	"f" integer NOT NULL,
	"m" integer NOT NULL,
	"grp" text NOT NULL,
	"p_alive" double precision,
	"expected_90" double precision
);
--> statement-breakpoint
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
CREATE TABLE "insights_refreshes" (
	"merchant_id" text PRIMARY KEY NOT NULL,
	"timezone" text NOT NULL,
	"day" date NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rewards" ADD COLUMN "value" integer;--> statement-breakpoint
ALTER TABLE "insights_cohort_cells" ADD CONSTRAINT "insights_cohort_cells_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insights_daily_net" ADD CONSTRAINT "insights_daily_net_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insights_member_scores" ADD CONSTRAINT "insights_member_scores_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insights_model_fits" ADD CONSTRAINT "insights_model_fits_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insights_refreshes" ADD CONSTRAINT "insights_refreshes_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "insights_member_scores_group_idx" ON "insights_member_scores" USING btree ("merchant_id","program_id","grp","monetary");--> statement-breakpoint
ALTER TABLE "rewards" ADD CONSTRAINT "rewards_value_non_negative" CHECK ("rewards"."value" IS NULL OR "rewards"."value" >= 0);