import { and, asc, eq, gt, isNull, lte, or, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { cards, goalParticipants, goals, programs, type Goal } from "../../db/schema";
import { audit } from "../audit/log";
import { systemActor, withTransaction, type Ctx } from "../context";
import { creditMany } from "../ledger/bulk";
import { issueVoucher } from "../vouchers/issue";
import { goalProgress } from "./progress";

/*
 * Closing group goals, run by jobs/goals-settle.ts. A running goal whose progress reached its target
 * is marked reached, and every participant (every card that contributed) gets the reward, once: a
 * points reward goes through creditMany under the grant key `goal:<id>` (a unique bonus grant per
 * card), a voucher is issued in the same transaction that marks the participant rewarded, guarded by
 * `rewarded_at is null` on that row. A rerun, a retried step or two runs at once therefore never
 * reward anyone twice. A goal whose window ends short of its target is marked missed.
 */

const jobCtx = (db: Executor, goal: Pick<Goal, "merchantId">, at: Date): Ctx => ({ db, merchantId: goal.merchantId, actor: systemActor("goals"), source: "job", now: () => at });

const VOUCHER_BATCH = 200;

export type SettleResult = { goalId: string; status: Goal["status"]; rewarded: number };

/** Goals to look at now: running ones that have started, and reached ones whose rewards are not all out. */
export async function goalsToSettle(db: Executor, at: Date): Promise<string[]> {
  const rows = await db
    .select({ id: goals.id })
    .from(goals)
    .where(or(and(eq(goals.status, "active"), lte(goals.startsAt, at)), and(eq(goals.status, "reached"), isNull(goals.settledAt))))
    .orderBy(asc(goals.id))
    .limit(1000);
  return rows.map((r) => r.id);
}

/** Marks one goal reached (or missed, once its window is over) and, when reached, rewards its participants. */
export async function settleGoal(db: Executor, goalId: string, at = new Date()): Promise<SettleResult> {
  const goal = await withTransaction({ db, merchantId: "", actor: systemActor("goals"), source: "job" }, async (tx) => {
    const [row] = await tx.db.select().from(goals).where(eq(goals.id, goalId)).for("update");
    if (!row || row.status !== "active") return row ?? null;
    const progress = await goalProgress(tx.db, row.id);
    const status = progress >= row.target ? ("reached" as const) : row.endsAt <= at ? ("missed" as const) : null;
    if (!status) return row;
    const [updated] = await tx.db
      .update(goals)
      .set({ status, ...(status === "reached" ? { reachedAt: at } : { settledAt: at }), updatedAt: at })
      .where(eq(goals.id, row.id))
      .returning();
    await audit(tx.db, row.merchantId, systemActor("goals"), `goal.${status}`, { type: "goal", id: row.id }, { progress, target: row.target });
    return updated!;
  });
  if (!goal) return { goalId, status: "cancelled", rewarded: 0 };
  if (goal.status !== "reached" || goal.settledAt) return { goalId, status: goal.status, rewarded: 0 };
  const rewarded = goal.rewardKind === "points" ? await rewardPoints(db, goal, at) : await rewardVouchers(db, goal, at);
  await db
    .update(goals)
    .set({ settledAt: at, updatedAt: at })
    .where(and(eq(goals.id, goal.id), isNull(goals.settledAt)));
  return { goalId, status: "reached", rewarded };
}

async function rewardPoints(db: Executor, goal: Goal, at: Date): Promise<number> {
  const [program] = await db.select().from(programs).where(eq(programs.id, goal.programId));
  const key = `goal:${goal.id}`;
  const { credited } = await creditMany(jobCtx(db, goal, at), {
    program: program!,
    grantKey: key,
    points: goal.rewardPoints ?? 0,
    audience: sql`exists (select 1 from goal_participants gp where gp.goal_id = ${goal.id} and gp.card_id = c.id)`,
    reference: key,
    details: { reason: "goal", goalId: goal.id },
  });
  // The grants are the truth; the participants' rows say who got what, for the results page.
  await db.execute(sql`
    update goal_participants gp set rewarded_at = ${at.toISOString()}::timestamptz, reward_ref = bg.entry_id
    from bonus_grants bg
    where gp.goal_id = ${goal.id} and gp.rewarded_at is null and bg.key = ${key} and bg.card_id = gp.card_id`);
  return credited;
}

async function rewardVouchers(db: Executor, goal: Goal, at: Date): Promise<number> {
  let issued = 0;
  let after = "";
  for (;;) {
    const batch = await db
      .select({ cardId: goalParticipants.cardId })
      .from(goalParticipants)
      .innerJoin(cards, eq(cards.id, goalParticipants.cardId))
      .where(and(eq(goalParticipants.goalId, goal.id), isNull(goalParticipants.rewardedAt), eq(cards.status, "active"), gt(goalParticipants.cardId, after)))
      .orderBy(asc(goalParticipants.cardId))
      .limit(VOUCHER_BATCH);
    if (batch.length === 0) return issued;
    for (const { cardId } of batch) {
      const done = await withTransaction(jobCtx(db, goal, at), async (tx) => {
        // The row lock and the guard make this participant's reward happen once: a concurrent run
        // waits here, then finds the row rewarded and skips it.
        const [claimed] = await tx.db
          .update(goalParticipants)
          .set({ rewardedAt: at })
          .where(and(eq(goalParticipants.goalId, goal.id), eq(goalParticipants.cardId, cardId), isNull(goalParticipants.rewardedAt)))
          .returning({ cardId: goalParticipants.cardId });
        if (!claimed) return false;
        const [card] = await tx.db.select().from(cards).where(eq(cards.id, cardId));
        const voucher = await issueVoucher(tx, card!, { rewardId: goal.rewardId, entryId: null, fallbackTitle: goal.name });
        await tx.db
          .update(goalParticipants)
          .set({ rewardRef: voucher.id })
          .where(and(eq(goalParticipants.goalId, goal.id), eq(goalParticipants.cardId, cardId)));
        return true;
      });
      if (done) issued++;
    }
    after = batch.at(-1)!.cardId;
  }
}
