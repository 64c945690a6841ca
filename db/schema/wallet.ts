import { boolean, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, ts, updatedAt } from "./_common";
import { cards } from "./cards";
import { programs } from "./programs";

// Apple Wallet: a device that added a pass and wants pushes when it changes (Apple's web service protocol).
export const appleRegistrations = pgTable(
  "apple_registrations",
  {
    id: id(),
    deviceLibraryId: text("device_library_id").notNull(),
    passTypeId: text("pass_type_id").notNull(),
    // The pass's serialNumber: the card id.
    serialNumber: text("serial_number").notNull(),
    cardId: text("card_id").notNull().references(() => cards.id, { onDelete: "cascade" }),
    pushToken: text("push_token").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("apple_registrations_device_pass_uq").on(t.deviceLibraryId, t.passTypeId, t.serialNumber),
    index("apple_registrations_card_idx").on(t.cardId),
    index("apple_registrations_token_idx").on(t.pushToken),
  ],
);

// Google Wallet: the loyalty class of a program, once inserted; `syncedHash` tells whether it needs a PATCH.
export const googleWalletClasses = pgTable("google_wallet_classes", {
  programId: text("program_id")
    .primaryKey()
    .references(() => programs.id, { onDelete: "cascade" }),
  classId: text("class_id").notNull().unique(),
  syncedHash: text("synced_hash").notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

// Google Wallet: the loyalty object of a card, once a save link was made. What was last sent, for
// PATCH-only-on-change and for spotting milestones (reward unlocked, tier up) between syncs.
export const googleWalletObjects = pgTable("google_wallet_objects", {
  cardId: text("card_id")
    .primaryKey()
    .references(() => cards.id, { onDelete: "cascade" }),
  objectId: text("object_id").notNull().unique(),
  classId: text("class_id").notNull(),
  syncedHash: text("synced_hash").notNull(),
  syncedBalance: integer("synced_balance").notNull(),
  syncedTier: text("synced_tier"),
  syncedAt: ts("synced_at").notNull().defaultNow(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

// Messages added to Google loyalty objects. `notify` ones count toward Google's 3 per pass per 24 hours.
export const googleWalletMessages = pgTable(
  "google_wallet_messages",
  {
    id: id(),
    cardId: text("card_id")
      .notNull()
      .references(() => cards.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    header: text("header").notNull(),
    body: text("body").notNull(),
    notify: boolean("notify").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("google_wallet_messages_card_idx").on(t.cardId, t.createdAt)],
);

export type AppleRegistration = typeof appleRegistrations.$inferSelect;
export type GoogleWalletObject = typeof googleWalletObjects.$inferSelect;
export type GoogleWalletMessage = typeof googleWalletMessages.$inferSelect;
