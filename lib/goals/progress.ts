import { and, asc, eq, gt, inArray, or, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { slot } from "../../db/statement";
import { goalParticipants, goals, rewards, type Goal, type GoalMetric } from "../../db/schema";
import type { Ctx } from "../context";
import { CARD_UPDATED } from "../ledger/core";
import { goalRunsAt } from "./running";

export type GoalContribution = { cardId: string; programId: string; locationId: string | null | undefined; earned: number; purchase: number; at: Date };

/**
 * The earn's share of the running goals of its program, in one statement on the earn's hot path:
 * for each goal running now (for the program, and for the earn's location or every location) it
 * adds the earn's contribution to the card's row (a visit, what it earned, or the purchase amount),
 * creating the row on the card's first contribution. The earn adds it only when its read found a
 * goal of the program running (goalsRunningSql in ./running.ts); most earns find none and their
 * statement goes without it. Each card has its own row, so concurrent earns of
 * different cards never wait on each other. The earn runs it as a data-modifying CTE of its ledger
 * statement (lib/ledger/core.ts appendEntry's `alongside`): no round trip of its own, and nothing
 * written when that statement writes no entry (CARD_UPDATED). Its text has
 * slots for the earn's values (db/statement.ts): built once, like the statement it joins.
 */
export const GOAL_CONTRIBUTION = sql`
    insert into goal_participants (goal_id, card_id, merchant_id, contribution, joined_at)
    select g.id, ${slot("goal_card_id")}, ${slot("goal_merchant_id")},
           case g.metric when 'visits' then 1 when 'earned' then ${slot("goal_earned")}::int else ${slot("goal_purchase")}::int end,
           ${slot("goal_at")}::timestamptz
    from goals g
    where g.program_id = ${slot("goal_program_id")} and ${goalRunsAt(sql`${slot("goal_at")}::timestamptz`)}
      and (g.location_id is null or g.location_id = ${slot("goal_location_id")})
      and case g.metric when 'visits' then 1 when 'earned' then ${slot("goal_earned")}::int else ${slot("goal_purchase")}::int end > 0
      and ${CARD_UPDATED}
    on conflict (goal_id, card_id) do update set contribution = goal_participants.contribution + excluded.contribution`;

/** GOAL_CONTRIBUTION with its slots filled for one earn, as appendEntry's `alongside` takes it. */
export function goalContribution(tx: Pick<Ctx, "merchantId">, earn: GoalContribution) {
  return {
    name: "goals",
    statement: GOAL_CONTRIBUTION,
    values: {
      goal_card_id: earn.cardId,
      goal_merchant_id: tx.merchantId,
      goal_program_id: earn.programId,
      goal_location_id: earn.locationId ?? null,
      goal_earned: earn.earned,
      goal_purchase: earn.purchase,
      goal_at: earn.at.toISOString(),
    },
  };
}

/** A goal as a member sees it on the card page and the pass. */
export type GoalView = {
  id: string;
  name: string;
  metric: GoalMetric;
  target: number;
  progress: number;
  endsAt: Date;
  status: Goal["status"];
  /** This card contributed (and so will be, or was, rewarded). */
  participating: boolean;
  reward: { kind: "points"; points: number } | { kind: "voucher"; title: string };
};

const SHOW_REACHED_DAYS = 7;

/**
 * The goals a card's holder sees: those running now in its program, then those reached in the last
 * week (to say thanks), up to three, soonest end first. Two indexed reads.
 */
export async function goalsForCard(db: Executor, params: { programId: string; cardId: string; now: Date }): Promise<GoalView[]> {
  return (await goalsForCards(db, [{ cardId: params.cardId, programId: params.programId }], params.now)).get(params.cardId) ?? [];
}

/**
 * The goals shown on many cards at once (a batch of wallet syncs): one read of the goals of their
 * programs with their progress, one of which of these cards took part.
 */
export async function goalsForCards(db: Executor, list: { cardId: string; programId: string }[], now: Date): Promise<Map<string, GoalView[]>> {
  const out = new Map<string, GoalView[]>();
  if (list.length === 0) return out;
  const since = new Date(now.getTime() - SHOW_REACHED_DAYS * 86_400_000);
  const programIds = [...new Set(list.map((c) => c.programId))];
  const rows = await db
    .select({
      goal: goals,
      rewardTitle: rewards.name,
      progress: sql<number>`coalesce((select sum(gp.contribution) from goal_participants gp where gp.goal_id = ${goals.id}), 0)::int`,
    })
    .from(goals)
    .leftJoin(rewards, eq(rewards.id, goals.rewardId))
    .where(
      and(
        inArray(goals.programId, programIds),
        inArray(goals.status, ["active", "reached"]),
        or(
          and(eq(goals.status, "active"), sql`${goals.startsAt} <= ${now.toISOString()}::timestamptz`, gt(goals.endsAt, now)),
          and(eq(goals.status, "reached"), gt(goals.reachedAt, since)),
        ),
      ),
    )
    .orderBy(asc(goals.endsAt), asc(goals.id));
  const joined = rows.length
    ? await db
        .select({ goalId: goalParticipants.goalId, cardId: goalParticipants.cardId })
        .from(goalParticipants)
        .where(
          and(
            inArray(
              goalParticipants.goalId,
              rows.map((r) => r.goal.id),
            ),
            inArray(
              goalParticipants.cardId,
              list.map((c) => c.cardId),
            ),
          ),
        )
    : [];
  const took = new Set(joined.map((j) => `${j.goalId}:${j.cardId}`));
  for (const { cardId, programId } of list) {
    const shown = rows.filter((r) => r.goal.programId === programId).slice(0, 3);
    out.set(
      cardId,
      shown.map(({ goal, rewardTitle, progress }) => ({
        id: goal.id,
        name: goal.name,
        metric: goal.metric,
        target: goal.target,
        progress: Number(progress),
        endsAt: goal.endsAt,
        status: goal.status,
        participating: took.has(`${goal.id}:${cardId}`),
        reward: goal.rewardKind === "points" ? { kind: "points", points: goal.rewardPoints ?? 0 } : { kind: "voucher", title: rewardTitle ?? goal.name },
      })),
    );
  }
  return out;
}

/** The progress of one goal: the sum of its participants' contributions. */
export async function goalProgress(db: Executor, goalId: string): Promise<number> {
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum(${goalParticipants.contribution}), 0)::int` })
    .from(goalParticipants)
    .where(eq(goalParticipants.goalId, goalId));
  return Number(row?.total ?? 0);
}
