-- A ledger row names its card and the card's merchant through one foreign key onto cards (id, merchant_id)
-- instead of one onto merchants and one onto cards: every entry and lot written checked the merchant's one
-- row with a FOR KEY SHARE lock, which every concurrent balance change of the business took on that row.
-- Each step is skipped when already done, so a large ledger can be moved by hand beforehand without
-- holding its writes for the validation (docs/scaling.md, "Moving a large ledger's keys"); here, validating
-- the new keys reads both tables once under the migration's locks.
CREATE UNIQUE INDEX IF NOT EXISTS "cards_id_merchant_uq" ON "cards" USING btree ("id","merchant_id");
--> statement-breakpoint
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'ledger_entries_card_merchant_fk') THEN
    ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_card_merchant_fk" FOREIGN KEY ("card_id","merchant_id") REFERENCES "public"."cards"("id","merchant_id") ON DELETE cascade ON UPDATE no action;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'point_lots_card_merchant_fk') THEN
    ALTER TABLE "point_lots" ADD CONSTRAINT "point_lots_card_merchant_fk" FOREIGN KEY ("card_id","merchant_id") REFERENCES "public"."cards"("id","merchant_id") ON DELETE cascade ON UPDATE no action;
  END IF;
END $$;
--> statement-breakpoint
ALTER TABLE "ledger_entries" DROP CONSTRAINT IF EXISTS "ledger_entries_merchant_id_merchants_id_fk", DROP CONSTRAINT IF EXISTS "ledger_entries_card_id_cards_id_fk";
--> statement-breakpoint
ALTER TABLE "point_lots" DROP CONSTRAINT IF EXISTS "point_lots_merchant_id_merchants_id_fk", DROP CONSTRAINT IF EXISTS "point_lots_card_id_cards_id_fk";
