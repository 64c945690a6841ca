CREATE TABLE "apple_registrations" (
	"id" text PRIMARY KEY NOT NULL,
	"device_library_id" text NOT NULL,
	"pass_type_id" text NOT NULL,
	"serial_number" text NOT NULL,
	"card_id" text NOT NULL,
	"push_token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "google_wallet_classes" (
	"program_id" text PRIMARY KEY NOT NULL,
	"class_id" text NOT NULL,
	"synced_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "google_wallet_classes_class_id_unique" UNIQUE("class_id")
);
--> statement-breakpoint
CREATE TABLE "google_wallet_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"card_id" text NOT NULL,
	"kind" text NOT NULL,
	"header" text NOT NULL,
	"body" text NOT NULL,
	"notify" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "google_wallet_objects" (
	"card_id" text PRIMARY KEY NOT NULL,
	"object_id" text NOT NULL,
	"class_id" text NOT NULL,
	"synced_hash" text NOT NULL,
	"synced_balance" integer NOT NULL,
	"synced_tier" text,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "google_wallet_objects_object_id_unique" UNIQUE("object_id")
);
--> statement-breakpoint
ALTER TABLE "apple_registrations" ADD CONSTRAINT "apple_registrations_card_id_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."cards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "google_wallet_classes" ADD CONSTRAINT "google_wallet_classes_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "google_wallet_messages" ADD CONSTRAINT "google_wallet_messages_card_id_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."cards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "google_wallet_objects" ADD CONSTRAINT "google_wallet_objects_card_id_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."cards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "apple_registrations_device_pass_uq" ON "apple_registrations" USING btree ("device_library_id","pass_type_id","serial_number");--> statement-breakpoint
CREATE INDEX "apple_registrations_card_idx" ON "apple_registrations" USING btree ("card_id");--> statement-breakpoint
CREATE INDEX "apple_registrations_token_idx" ON "apple_registrations" USING btree ("push_token");--> statement-breakpoint
CREATE INDEX "google_wallet_messages_card_idx" ON "google_wallet_messages" USING btree ("card_id","created_at");