import { index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, ts } from "./_common";
import { cards } from "./cards";
import { merchantOwned } from "./merchants";
import { programs } from "./programs";

/**
 * A batch of printed claim codes: N single-use codes, each worth `value` in the program's unit
 * (points, or minor units of its currency for a cashback program), claimable until `expiresAt`.
 * The codes themselves are never stored: each is derived from the batch id and its number with a
 * server key (lib/claims/codes.ts), so the sheet can be printed again; only their hashes are kept.
 */
export const claimCodeBatches = pgTable(
  "claim_code_batches",
  {
    ...merchantOwned(),
    programId: belongsTo("program_id", () => programs.id),
    name: text("name").notNull(),
    value: integer("value").notNull(),
    quantity: integer("quantity").notNull(),
    expiresAt: ts("expires_at"),
    createdBy: text("created_by"),
    createdAt: createdAt(),
  },
  (t) => [index("claim_code_batches_merchant_idx").on(t.merchantId, t.createdAt)],
);

/** One code of a batch: its hash, and who claimed it. A claim flips `claimedAt` once, in the transaction of its ledger entry. */
export const claimCodes = pgTable(
  "claim_codes",
  {
    id: text("id").primaryKey(),
    batchId: belongsTo("batch_id", () => claimCodeBatches.id),
    merchantId: text("merchant_id").notNull(),
    // Its place in the batch (0-based): the code is derived from the batch id and this number.
    position: integer("position").notNull(),
    // sha256 (hex) of the code.
    codeHash: text("code_hash").notNull(),
    claimedAt: ts("claimed_at"),
    cardId: text("card_id").references(() => cards.id, { onDelete: "set null" }),
    entryId: text("entry_id"),
  },
  (t) => [
    uniqueIndex("claim_codes_hash_uq").on(t.codeHash),
    uniqueIndex("claim_codes_batch_position_uq").on(t.batchId, t.position),
    // One ledger entry per code, ever.
    uniqueIndex("claim_codes_entry_uq").on(t.entryId),
    index("claim_codes_batch_claimed_idx").on(t.batchId, t.claimedAt),
  ],
);

export type ClaimCodeBatch = typeof claimCodeBatches.$inferSelect;
export type ClaimCode = typeof claimCodes.$inferSelect;
