import { z } from "zod";
import type { GoalSummary } from "@/lib/goals/verbs";

/** A group goal as the API returns it: its setup, progress and results. */
export const GoalOut = z.object({
  id: z.string(),
  programId: z.string(),
  locationId: z.string().nullable(),
  name: z.string(),
  metric: z.enum(["visits", "earned", "spend"]),
  target: z.int(),
  progress: z.int().describe("The sum of every participant's contribution so far."),
  participants: z.int(),
  rewarded: z.int().describe("Participants whose reward was issued."),
  startsAt: z.string(),
  endsAt: z.string(),
  reward: z.union([z.object({ kind: z.literal("points"), points: z.int() }), z.object({ kind: z.literal("voucher"), rewardId: z.string().nullable() })]),
  status: z.enum(["active", "reached", "missed", "cancelled"]),
  reachedAt: z.string().nullable(),
  createdAt: z.string(),
});

export function presentGoal(g: GoalSummary): z.infer<typeof GoalOut> {
  return {
    id: g.id,
    programId: g.programId,
    locationId: g.locationId,
    name: g.name,
    metric: g.metric,
    target: g.target,
    progress: g.progress,
    participants: g.participants,
    rewarded: g.rewarded,
    startsAt: g.startsAt.toISOString(),
    endsAt: g.endsAt.toISOString(),
    reward: g.rewardKind === "points" ? { kind: "points", points: g.rewardPoints ?? 0 } : { kind: "voucher", rewardId: g.rewardId },
    status: g.status,
    reachedAt: g.reachedAt?.toISOString() ?? null,
    createdAt: g.createdAt.toISOString(),
  };
}
