import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { rewards, type Campaign } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import { utcToZoned } from "../campaigns/time";
import { createCampaign } from "../campaigns/verbs";
import { now, type Ctx } from "../context";
import { AppError } from "../errors";
import { EntityId } from "../ids";
import { merchantOf } from "../merchants/verbs";
import { loadProgram } from "../programs/verbs";
import { RFM_GROUPS, RFM_LABELS } from "./rfm";

export const WinbackInput = z.object({ programId: EntityId, group: z.enum(RFM_GROUPS).default("at_risk") }).strict();

const DAY = 86_400_000;

/**
 * One click from the Insights page: a scheduled win-back campaign for an RFM group of a program,
 * from tomorrow 09:00 (merchant's time) for 14 days. Its audience is fixed when it starts
 * (`rfm_group`, lib/insights/rfm.ts), it gives a bonus of half the cheapest reward (points) or one
 * stamp, and it announces itself by wallet message and email. The marketer can cancel it on the
 * Campaigns page before it starts.
 */
export async function createWinbackCampaign(ctx: Ctx, raw: z.input<typeof WinbackInput>): Promise<Campaign> {
  assertCan(ctx.actor, "campaigns:write");
  const { programId, group } = WinbackInput.parse(raw);
  const program = await loadProgram(ctx, programId);
  if (program.kind === "cashback") throw new AppError("invalid", "A cashback win-back needs a budget: create it on the Campaigns page.");
  const { timezone } = await merchantOf(ctx);
  const [cheapest] = await ctx.db.select({ cost: rewards.cost }).from(rewards).where(eq(rewards.programId, program.id)).orderBy(asc(rewards.cost)).limit(1);
  const points = program.kind === "stamps" ? 1 : Math.max(10, Math.round((cheapest?.cost ?? 100) / 2));
  const tomorrow = utcToZoned(new Date(now(ctx).getTime() + DAY), timezone).slice(0, 10);
  const until = utcToZoned(new Date(now(ctx).getTime() + 15 * DAY), timezone).slice(0, 10);
  const unit = program.kind === "stamps" ? (points === 1 ? "stamp" : "stamps") : "points";
  return createCampaign(ctx, {
    programId: program.id,
    name: `Win back: ${RFM_LABELS[group].name} (${tomorrow})`,
    audience: { kind: "rfm_group", group },
    effect: { kind: "bonus", points },
    announcement: {
      subject: "We miss you",
      message: `It has been a while. Here are ${points} bonus ${unit} on your ${program.name} card: come and use them before ${until}.`,
      email: true,
      wallet: true,
    },
    startsAt: `${tomorrow}T09:00`,
    endsAt: `${until}T09:00`,
    schedule: true,
  });
}
