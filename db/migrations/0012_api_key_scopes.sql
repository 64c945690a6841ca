ALTER TABLE "api_keys" ADD COLUMN "scopes" text[] DEFAULT '{read,earn,redeem,manage}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "location_id" text;