import type { Executor } from "../db/client";
import { auditLog } from "../db/schema";
import type { Actor } from "./context";
import { newId } from "./ids";

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
