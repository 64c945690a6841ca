ALTER TABLE "merchants" ADD COLUMN "website_url" text;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "terms_url" text;--> statement-breakpoint
ALTER TABLE "programs" ADD COLUMN "ends_at" timestamp with time zone;