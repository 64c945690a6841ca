import { boolean, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, extensionOf, id, timestamps, ts, updatedAt } from "./_common";
import { cards } from "./cards";
import { merchantOwned } from "./merchants";
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
    cardId: belongsTo("card_id", () => cards.id),
    pushToken: text("push_token").notNull(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex("apple_registrations_device_pass_uq").on(t.deviceLibraryId, t.passTypeId, t.serialNumber),
    index("apple_registrations_card_idx").on(t.cardId),
    index("apple_registrations_token_idx").on(t.pushToken),
  ],
);

// Google Wallet: the loyalty class of a program, once inserted; `syncedHash` tells whether it needs a PATCH.
export const googleWalletClasses = pgTable("google_wallet_classes", {
  programId: extensionOf("program_id", () => programs.id),
  classId: text("class_id").notNull().unique(),
  syncedHash: text("synced_hash").notNull(),
  ...timestamps(),
});

// Google Wallet: the loyalty object of a card, once a save link was made. What was last sent, for
// PATCH-only-on-change and for spotting milestones (reward unlocked, tier up) between syncs.
export const googleWalletObjects = pgTable("google_wallet_objects", {
  cardId: extensionOf("card_id", () => cards.id),
  objectId: text("object_id").notNull().unique(),
  classId: text("class_id").notNull(),
  syncedHash: text("synced_hash").notNull(),
  syncedBalance: integer("synced_balance").notNull(),
  syncedTier: text("synced_tier"),
  syncedAt: ts("synced_at").notNull().defaultNow(),
  ...timestamps(),
});

// Notifications and messages of Google loyalty objects, one row per logical message (its id is the
// message id at Google). `notify` ones count toward Google's 3 per pass per 24 hours; the row is
// written, under a lock of the card's object row, before the message is posted, so concurrent jobs
// never exceed the budget and a retry reuses the decision. `quotaLimited`: Google answered with a
// quota error and the message went without a notification. `sentAt`: when Google took it.
export const googleWalletMessages = pgTable(
  "google_wallet_messages",
  {
    id: id(),
    cardId: belongsTo("card_id", () => cards.id),
    kind: text("kind").notNull(),
    header: text("header").notNull(),
    body: text("body").notNull(),
    notify: boolean("notify").notNull(),
    quotaLimited: boolean("quota_limited").notNull().default(false),
    sentAt: ts("sent_at"),
    createdAt: createdAt(),
  },
  (t) => [index("google_wallet_messages_card_idx").on(t.cardId, t.createdAt)],
);

// Apple Wallet: what a card's pass looked like when we last looked (a hash of its contents), and
// since when. `modifiedAt` is the pass's Last-Modified and update tag, taken from the database clock
// when a new content is first seen, and always in a later whole second than the content before it,
// so an If-Modified-Since of an older content can never match. `pushedAt` is the `modifiedAt` the
// devices were last pushed for.
export const applePassStates = pgTable("apple_pass_states", {
  cardId: extensionOf("card_id", () => cards.id),
  fingerprint: text("fingerprint").notNull(),
  modifiedAt: ts("modified_at").notNull(),
  pushedAt: ts("pushed_at"),
  // The balance and tier this content shows, and whether its balance field is silent because the
  // tier moved in the same change (one notification per visit; see NotifyPolicy in apple/pass.ts).
  shownBalance: integer("shown_balance"),
  shownTier: text("shown_tier"),
  quietBalance: boolean("quiet_balance").notNull().default(false),
  updatedAt: updatedAt(),
});

// Messages for the holder of a card (expiry reminders, campaign announcements), shown on both
// wallets: the newest on the back of the Apple pass, each one added to the Google object once.
// One per card and reason, so a repeated request adds nothing.
export const walletMessages = pgTable(
  "wallet_messages",
  {
    id: id(),
    cardId: belongsTo("card_id", () => cards.id),
    reason: text("reason").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    // When the message was added to the card's Google object (null: not yet, or not saved there).
    googleSentAt: ts("google_sent_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("wallet_messages_card_reason_uq").on(t.cardId, t.reason), index("wallet_messages_card_idx").on(t.cardId, t.createdAt)],
);

export type AppleRegistration = typeof appleRegistrations.$inferSelect;
export type GoogleWalletObject = typeof googleWalletObjects.$inferSelect;
export type GoogleWalletMessage = typeof googleWalletMessages.$inferSelect;
export type ApplePassState = typeof applePassStates.$inferSelect;
export type WalletMessage = typeof walletMessages.$inferSelect;

// Wallet analytics: a pass installed in or removed from a wallet. Apple: a device registering for
// (or unregistering from) the pass's updates, or a registration dropped because APNs said its token
// is dead. Google: a save or delete callback, verified (wallet/google/callback.ts). `dedupeKey`
// makes a repeated callback (Google retries, same nonce) count once; Apple events have none.
export const walletPassEvents = pgTable(
  "wallet_pass_events",
  {
    ...merchantOwned(),
    cardId: belongsTo("card_id", () => cards.id),
    wallet: text("wallet").$type<"apple" | "google">().notNull(),
    kind: text("kind").$type<"installed" | "removed">().notNull(),
    at: ts("at").notNull().defaultNow(),
    dedupeKey: text("dedupe_key").unique(),
  },
  (t) => [index("wallet_pass_events_merchant_at_idx").on(t.merchantId, t.at), index("wallet_pass_events_card_idx").on(t.cardId, t.at)],
);

// When each wallet copy of a card was last pushed (an APNs push accepted / a Google object PATCH
// accepted) and last fetched (a device downloading the pass from the web service / Keepcard reading
// the object back from Google), for the member page.
export const walletPassActivity = pgTable("wallet_pass_activity", {
  cardId: extensionOf("card_id", () => cards.id),
  applePushedAt: ts("apple_pushed_at"),
  appleFetchedAt: ts("apple_fetched_at"),
  googlePushedAt: ts("google_pushed_at"),
  googleFetchedAt: ts("google_fetched_at"),
});

export type WalletPassEvent = typeof walletPassEvents.$inferSelect;
export type WalletPassActivity = typeof walletPassActivity.$inferSelect;
