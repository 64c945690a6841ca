import { bigint, boolean, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { belongsTo, createdAt, extensionOf, id, ts } from "./_common";
import { merchantOwned } from "./merchants";

// Tables used by next-auth's drizzle adapter (user, account, session, verificationToken, authenticator).
export const users = pgTable("users", {
  id: text("id").primaryKey().$defaultFn(() => crypto.randomUUID()),
  name: text("name"),
  email: text("email").unique(),
  emailVerified: timestamp("email_verified", { withTimezone: true, mode: "date" }),
  image: text("image"),
  createdAt: createdAt(),
});

export const accounts = pgTable(
  "accounts",
  {
    userId: belongsTo("user_id", () => users.id),
    type: text("type").notNull(),
    provider: text("provider").notNull(),
    providerAccountId: text("provider_account_id").notNull(),
    refresh_token: text("refresh_token"),
    access_token: text("access_token"),
    expires_at: integer("expires_at"),
    token_type: text("token_type"),
    scope: text("scope"),
    id_token: text("id_token"),
    session_state: text("session_state"),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] })],
);

export const sessions = pgTable(
  "sessions",
  {
    sessionToken: text("session_token").primaryKey(),
    userId: belongsTo("user_id", () => users.id),
    expires: timestamp("expires", { withTimezone: true, mode: "date" }).notNull(),
    // Keepcard's own columns (the adapter leaves them to their defaults): the device list on the
    // security page, and whether this sign-in has passed its second factor (null: not yet).
    createdAt: createdAt(),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
    userAgent: text("user_agent"),
    secondFactorAt: ts("second_factor_at"),
    secondFactorMethod: text("second_factor_method"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const verificationTokens = pgTable(
  "verification_tokens",
  {
    identifier: text("identifier").notNull(),
    token: text("token").notNull(),
    expires: timestamp("expires", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
);

export const authenticators = pgTable(
  "authenticators",
  {
    credentialID: text("credential_id").notNull().unique(),
    userId: belongsTo("user_id", () => users.id),
    providerAccountId: text("provider_account_id").notNull(),
    credentialPublicKey: text("credential_public_key").notNull(),
    counter: integer("counter").notNull(),
    credentialDeviceType: text("credential_device_type").notNull(),
    credentialBackedUp: boolean("credential_backed_up").notNull(),
    transports: text("transports"),
  },
  (t) => [primaryKey({ columns: [t.userId, t.credentialID] })],
);

// A user's authenticator app (TOTP, RFC 6238): the secret encrypted (lib/crypto/secrets.ts);
// confirmedAt is null while enrolment waits for the first code; lastStep refuses a code used twice.
export const userTotp = pgTable("user_totp", {
  userId: extensionOf("user_id", () => users.id),
  secret: text("secret").notNull(),
  confirmedAt: ts("confirmed_at"),
  lastStep: bigint("last_step", { mode: "number" }),
  createdAt: createdAt(),
});

// Single-use recovery codes, stored as SHA-256 hashes; shown once when made.
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: id(),
    userId: belongsTo("user_id", () => users.id),
    codeHash: text("code_hash").notNull().unique(),
    usedAt: ts("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("recovery_codes_user_idx").on(t.userId)],
);

export const roleEnum = pgEnum("member_role", ["owner", "admin", "marketer", "staff", "partner"]);

export const memberships = pgTable(
  "memberships",
  {
    ...merchantOwned(),
    userId: belongsTo("user_id", () => users.id),
    role: roleEnum("role").notNull(),
    // The weekly email digest (jobs/weekly-digest.ts) goes to owners who have not turned it off.
    weeklyDigest: boolean("weekly_digest").notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("memberships_merchant_user_uq").on(t.merchantId, t.userId), index("memberships_user_idx").on(t.userId)],
);

export const invitations = pgTable(
  "invitations",
  {
    ...merchantOwned(),
    email: text("email").notNull(),
    role: roleEnum("role").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: text("invited_by"),
    expiresAt: ts("expires_at").notNull(),
    acceptedAt: ts("accepted_at"),
    createdAt: createdAt(),
  },
  (t) => [index("invitations_merchant_idx").on(t.merchantId)],
);

export type User = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type Role = (typeof roleEnum.enumValues)[number];
