CREATE TYPE "public"."goal_metric" AS ENUM('visits', 'earned', 'spend');--> statement-breakpoint
CREATE TYPE "public"."goal_reward_kind" AS ENUM('points', 'voucher');--> statement-breakpoint
CREATE TYPE "public"."goal_status" AS ENUM('active', 'reached', 'missed', 'cancelled');--> statement-breakpoint
CREATE TABLE "goal_participants" (
	"goal_id" text NOT NULL,
	"card_id" text NOT NULL,
	"merchant_id" text NOT NULL,
	"contribution" integer NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rewarded_at" timestamp with time zone,
	"reward_ref" text,
	CONSTRAINT "goal_participants_goal_id_card_id_pk" PRIMARY KEY("goal_id","card_id")
);
--> statement-breakpoint
CREATE TABLE "goals" (
	"id" text PRIMARY KEY NOT NULL,
	"merchant_id" text NOT NULL,
	"program_id" text NOT NULL,
	"location_id" text,
	"name" text NOT NULL,
	"metric" "goal_metric" NOT NULL,
	"target" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"reward_kind" "goal_reward_kind" NOT NULL,
	"reward_points" integer,
	"reward_id" text,
	"status" "goal_status" DEFAULT 'active' NOT NULL,
	"reached_at" timestamp with time zone,
	"settled_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "goals_target_positive" CHECK ("goals"."target" > 0),
	CONSTRAINT "goals_window_order" CHECK ("goals"."starts_at" < "goals"."ends_at")
);
--> statement-breakpoint
ALTER TABLE "emails" ADD COLUMN "headers" jsonb;--> statement-breakpoint
ALTER TABLE "goal_participants" ADD CONSTRAINT "goal_participants_goal_id_goals_id_fk" FOREIGN KEY ("goal_id") REFERENCES "public"."goals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal_participants" ADD CONSTRAINT "goal_participants_card_id_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."cards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_reward_id_rewards_id_fk" FOREIGN KEY ("reward_id") REFERENCES "public"."rewards"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "goals_program_status_idx" ON "goals" USING btree ("program_id","status");--> statement-breakpoint
CREATE INDEX "goals_merchant_created_idx" ON "goals" USING btree ("merchant_id","created_at");