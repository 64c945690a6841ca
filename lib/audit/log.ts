import { and, desc, eq, lt } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { auditLog, users } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import type { Actor, Ctx } from "../context";
import { AppError } from "../errors";
import { newId } from "../ids";

export async function audit(
  db: Executor,
  merchantId: string,
  actor: Actor,
  action: string,
  target: { type: string; id: string },
  details?: Record<string, unknown>,
): Promise<void> {
  await db.insert(auditLog).values({
    id: newId("aud"),
    merchantId,
    actorType: actor.type,
    actorId: actor.id,
    action,
    targetType: target.type,
    targetId: target.id,
    details: details ?? null,
  });
}

export type AuditRow = typeof auditLog.$inferSelect & { actorEmail: string | null };

/** The audit log, newest first, 50 at a time before `before`. */
export async function listAudit(ctx: Ctx, opts: { before?: Date } = {}): Promise<AuditRow[]> {
  assertCan(ctx.actor, "audit:read");
  if (opts.before && Number.isNaN(opts.before.getTime())) throw new AppError("invalid", "That page of the log does not exist.");
  const rows = await ctx.db
    .select({ entry: auditLog, actorEmail: users.email })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(eq(auditLog.merchantId, ctx.merchantId), opts.before ? lt(auditLog.createdAt, opts.before) : undefined))
    .orderBy(desc(auditLog.createdAt))
    .limit(50);
  return rows.map((r) => ({ ...r.entry, actorEmail: r.actorEmail }));
}
