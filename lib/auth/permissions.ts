import type { Role } from "../../db/schema";
import type { Actor } from "../context";
import { AppError } from "../errors";

/**
 * The one permission table. Rows are actions, columns who may do them.
 * `api` is an API key of the merchant; `customer` acts on their own card only
 * (the verb checks ownership); `system` (jobs, scripts) may do everything.
 */
type Principal = Role | "api" | "customer";

const TABLE = {
  "programs:read": ["owner", "admin", "marketer", "staff", "partner", "api"],
  "programs:write": ["owner", "admin", "api"],
  "rewards:write": ["owner", "admin", "api"],
  "locations:write": ["owner", "admin"],
  "cards:read": ["owner", "admin", "marketer", "staff", "api", "customer"],
  "cards:enroll": ["owner", "admin", "staff", "api", "customer"],
  // Removing a card from its program (the customer keeps their other cards).
  "cards:close": ["owner", "admin", "api"],
  "points:earn": ["owner", "admin", "staff", "api"],
  "points:adjust": ["owner", "admin", "api"],
  "points:reverse": ["owner", "admin", "api"],
  "rewards:redeem": ["owner", "admin", "staff", "api", "customer"],
  "vouchers:use": ["owner", "admin", "staff", "api"],
  // Listing vouchers, giving a goodwill voucher (catalog reward or free text) and cancelling one.
  "vouchers:read": ["owner", "admin", "marketer", "api"],
  "vouchers:issue": ["owner", "admin", "api"],
  "vouchers:void": ["owner", "admin", "api"],
  // Printed claim codes: making batches (they promise points or cashback), printing and watching them.
  "claim_codes:manage": ["owner", "admin"],
  "customers:read": ["owner", "admin", "marketer"],
  // Changing a customer's details (a POS or shop keeping them in step); the customer does it on the card page.
  "customers:write": ["owner", "admin", "api"],
  "customers:export": ["owner", "admin", "customer"],
  "customers:erase": ["owner", "admin", "customer"],
  // A program's automations (welcome, birthday, referral, win-back) and their numbers; API keys with read / manage.
  "automations:read": ["owner", "admin", "marketer", "api"],
  "automations:write": ["owner", "admin", "marketer", "api"],
  "campaigns:read": ["owner", "admin", "marketer", "api"],
  "campaigns:write": ["owner", "admin", "marketer", "api"],
  // Saved segments and the customer tags they select on (tags imported from a CSV).
  "segments:write": ["owner", "admin", "marketer", "api"],
  // Group goals: set up and follow (the API with the manage and read scopes).
  "goals:write": ["owner", "admin", "marketer", "api"],
  "goals:read": ["owner", "admin", "marketer", "api"],
  "reports:read": ["owner", "admin", "marketer", "partner"],
  // CSV and JSON exports of members, ledger, vouchers and campaign results (they carry customer emails).
  "reports:export": ["owner", "admin", "marketer", "api"],
  // The weekly email digest: an owner turns their own copy on or off.
  "digest:manage": ["owner"],
  // Fraud and abuse flags (lib/fraud): reading them and the staff view; resolving them and holding cards.
  "flags:read": ["owner", "admin"],
  "flags:resolve": ["owner", "admin"],
  // A partner's rewards and their redemptions (no customer data); a partner sees only their own.
  "partner_redemptions:read": ["owner", "admin", "partner"],
  "team:manage": ["owner", "admin"],
  "api_keys:manage": ["owner", "admin"],
  // API keys with the `manage` scope too: an integrator registers its own endpoints.
  "webhooks:manage": ["owner", "admin", "api"],
  "payouts:manage": ["owner", "admin"],
  // Earn connectors (Shopify, Stripe, Square): connecting a program, their signing secrets, test events and the received-events log.
  "connectors:manage": ["owner", "admin"],
  "settings:write": ["owner", "admin"],
  "audit:read": ["owner", "admin"],
  // Account security for the whole business: requiring two-factor sign-in of every member.
  "security:manage": ["owner"],
  // Screens: who may open the dashboard at all, its programs and rewards pages, and the staff scanner.
  "dashboard:view": ["owner", "admin", "marketer", "partner"],
  "catalog:read": ["owner", "admin", "marketer"],
  "scanner:use": ["owner", "admin", "staff"],
} as const satisfies Record<string, readonly Principal[]>;

export type Permission = keyof typeof TABLE;
export const PERMISSIONS = Object.keys(TABLE) as Permission[];

function principal(actor: Actor): Principal | "system" {
  switch (actor.type) {
    case "user":
      return actor.role;
    case "api_key":
      return "api";
    case "customer":
      return "customer";
    case "system":
      return "system";
  }
}

export function can(actor: Actor, permission: Permission): boolean {
  const who = principal(actor);
  if (who === "system") return true;
  return (TABLE[permission] as readonly Principal[]).includes(who);
}

export function assertCan(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw new AppError("forbidden", `Your role may not do this (${permission}).`);
}

export function rolesFor(permission: Permission): readonly Principal[] {
  return TABLE[permission];
}
