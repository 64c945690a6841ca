import type { Role } from "../../db/schema";
import { can, type Permission } from "./permissions";

/**
 * Which permission (from the one table in permissions.ts) opens each dashboard screen.
 * Every page calls `requirePage(<its route>)`; a test checks that each page does, and that the
 * answer for every role matches the table.
 */
export const PAGE_PERMISSIONS = {
  "/dashboard": "reports:read",
  "/dashboard/insights": "reports:read",
  "/dashboard/programs": "catalog:read",
  "/dashboard/programs/new": "programs:write",
  "/dashboard/programs/[id]": "catalog:read",
  "/dashboard/rewards": "catalog:read",
  "/dashboard/partner": "partner_redemptions:read",
  "/dashboard/members": "customers:read",
  "/dashboard/members/[id]": "customers:read",
  "/dashboard/locations": "locations:write",
  "/dashboard/team": "team:manage",
  "/dashboard/api-keys": "api_keys:manage",
  "/dashboard/audit": "audit:read",
  "/dashboard/settings": "settings:write",
  "/dashboard/campaigns": "campaigns:write",
  "/dashboard/vouchers": "vouchers:read",
  "/dashboard/claim-codes": "claim_codes:manage",
  "/dashboard/claim-codes/[id]": "claim_codes:manage",
  "/dashboard/automations": "automations:read",
  "/dashboard/campaigns/[id]": "campaigns:read",
  "/dashboard/segments": "segments:write",
  "/dashboard/goals": "goals:write",
  "/dashboard/payouts": "payouts:manage",
  "/dashboard/webhooks": "webhooks:manage",
  "/dashboard/connectors": "connectors:manage",
  "/dashboard/connectors/[provider]": "connectors:manage",
  "/dashboard/jobs": "settings:write",
  "/dashboard/reports": "reports:export",
  "/dashboard/flags": "flags:read",
  "/staff": "scanner:use",
} as const satisfies Record<string, Permission>;

export type PageRoute = keyof typeof PAGE_PERMISSIONS;

export type PageAccess =
  | { kind: "ok" }
  | { kind: "sign-in" }
  | { kind: "onboarding" }
  /** Staff have no dashboard: they go to the scanner. */
  | { kind: "scanner" }
  | { kind: "denied"; permission: Permission };

/** The decision for a signed-in user (or nobody) with `role` at `merchant` opening `route`. */
export function pageAccess(signedIn: boolean, role: Role | null, route: PageRoute): PageAccess {
  if (!signedIn) return { kind: "sign-in" };
  if (!role) return { kind: "onboarding" };
  const actor = { type: "user" as const, id: "-", role };
  const permission = PAGE_PERMISSIONS[route];
  if (route.startsWith("/dashboard") && !can(actor, "dashboard:view")) {
    return can(actor, "scanner:use") ? { kind: "scanner" } : { kind: "denied", permission: "dashboard:view" };
  }
  return can(actor, permission) ? { kind: "ok" } : { kind: "denied", permission };
}
