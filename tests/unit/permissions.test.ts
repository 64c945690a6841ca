import { describe, expect, it } from "vitest";
import type { Actor } from "@/lib/context";
import { assertCan, can, PERMISSIONS, rolesFor, type Permission } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";

const user = (role: "owner" | "admin" | "marketer" | "staff" | "partner"): Actor => ({ type: "user", id: `u_${role}`, role });
const api: Actor = { type: "api_key", id: "key_1" };
const customer: Actor = { type: "customer", id: "cus_1" };
const system: Actor = { type: "system", id: "job" };

const allowed = (actor: Actor) => PERMISSIONS.filter((p) => can(actor, p)).sort();

describe("permission table", () => {
  it("owners and the system may do everything", () => {
    expect(allowed(user("owner"))).toEqual([...PERMISSIONS].sort());
    expect(allowed(system)).toEqual([...PERMISSIONS].sort());
  });

  // Other features add rows to the table; these tests pin who may move points, stock and money.
  it("staff work the counter: read cards, enroll, earn, redeem, use vouchers, but correct nothing and manage nothing", () => {
    const staff = user("staff");
    for (const p of ["cards:enroll", "cards:read", "points:earn", "programs:read", "rewards:redeem", "vouchers:use"] as Permission[]) expect(can(staff, p), p).toBe(true);
    for (const p of ["points:adjust", "points:reverse", "programs:write", "rewards:write", "api_keys:manage", "team:manage", "payouts:manage", "connectors:manage", "settings:write", "customers:export"] as Permission[]) {
      expect(can(staff, p), p).toBe(false);
    }
  });

  it("marketers run campaigns and read, but move no points", () => {
    const m = user("marketer");
    expect(can(m, "campaigns:write")).toBe(true);
    expect(can(m, "reports:read")).toBe(true);
    // Connecting a shop system moves points on its own, and holds its signing secret.
    for (const p of ["points:earn", "points:adjust", "points:reverse", "vouchers:use", "api_keys:manage", "team:manage", "connectors:manage"] as Permission[]) expect(can(m, p), p).toBe(false);
  });

  it("partners read programs and reports but change nothing", () => {
    const partner = user("partner");
    expect(can(partner, "programs:read")).toBe(true);
    expect(can(partner, "reports:read")).toBe(true);
    expect(allowed(partner).filter((p) => /:(write|earn|adjust|reverse|redeem|use|manage|erase|export|enroll)$/.test(p))).toEqual([]);
  });

  it("an API key integrates (earn, adjust, reverse, redeem, use, its own webhook endpoints) but cannot manage the team, keys or settings", () => {
    // Which of these a given key may do is its scopes' business (app/api/_http/route.ts); webhooks need `manage`.
    for (const p of ["programs:write", "rewards:write", "cards:enroll", "points:earn", "points:adjust", "points:reverse", "rewards:redeem", "vouchers:use", "webhooks:manage"] as Permission[]) {
      expect(can(api, p), p).toBe(true);
    }
    for (const p of ["team:manage", "api_keys:manage", "settings:write", "audit:read", "customers:export", "payouts:manage", "connectors:manage"] as Permission[]) {
      expect(can(api, p), p).toBe(false);
    }
  });

  it("a customer can join, see and redeem on their card, and manage their own data, but not mark vouchers used", () => {
    for (const p of ["cards:enroll", "cards:read", "customers:erase", "customers:export", "rewards:redeem"] as Permission[]) expect(can(customer, p), p).toBe(true);
    for (const p of ["vouchers:use", "points:earn", "points:adjust", "points:reverse", "programs:write", "customers:read", "reports:read"] as Permission[]) {
      expect(can(customer, p), p).toBe(false);
    }
  });

  it("assertCan throws a forbidden AppError naming the action", () => {
    expect(() => assertCan(user("staff"), "points:adjust")).toThrow(AppError);
    try {
      assertCan(user("staff"), "points:adjust");
    } catch (error) {
      expect((error as AppError).code).toBe("forbidden");
      expect((error as AppError).status).toBe(403);
      expect((error as AppError).message).toContain("points:adjust");
    }
    expect(() => assertCan(user("admin"), "points:adjust")).not.toThrow();
  });

  it("rolesFor lists who may do a thing", () => {
    expect(rolesFor("points:adjust")).toEqual(["owner", "admin", "api"]);
  });
});
