import type { Executor } from "../../db/client";
import { audit } from "../audit/log";
import { membershipsOf } from "./members";

/**
 * An entry about a user's own account (sign-in, second factor) in the audit log of every business
 * they belong to: each owner sees what happened to the accounts that can act on their business.
 */
export async function auditAccount(db: Executor, userId: string, action: string, details?: Record<string, unknown>): Promise<void> {
  for (const m of await membershipsOf(db, userId)) {
    await audit(db, m.merchantId, { type: "user", id: userId, role: m.role }, action, { type: "user", id: userId }, details);
  }
}
