import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { campaigns, segments, type Campaign, type Program } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { now, withTransaction, type Ctx, type TxCtx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId, newId } from "../ids";
import { loadProgram } from "../programs/verbs";
import { merchantOf } from "../merchants/verbs";
import { recordEvents } from "../outbox";
import { MAX_HOLDOUT_PERCENT } from "./holdout";
import { activateCampaign } from "./run";
import { zonedToUtc as toInstant } from "./time";
import { RFM_GROUPS } from "../insights/rfm";
import { SafeMultilineText, SafeText } from "../input";

const localDateTime = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-](0\d|1[0-4]):?[0-5]\d)?$/, "a date and time, such as 2025-06-01T09:00")
  .describe("Wall-clock time in the merchant's time zone, or an ISO instant with an offset.");

export const CampaignAudience = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("everyone") }),
  z.object({ kind: z.literal("tier"), tier: SafeText.min(1).max(40) }),
  z.object({ kind: z.literal("inactive"), days: z.int().min(1).max(3650) }),
  z.object({ kind: z.literal("birthday_month") }),
  z.object({ kind: z.literal("segment"), segmentId: EntityId }),
  z.object({ kind: z.literal("rfm_group"), group: z.enum(RFM_GROUPS) }),
]);

export const CampaignEffect = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("multiplier"), factor: z.number().min(1.1).max(10) }),
  z.object({ kind: z.literal("bonus"), points: z.int().min(1).max(1_000_000) }),
  z.object({ kind: z.literal("double_stamps") }),
]);

export const CampaignAnnouncement = z.object({
  subject: SafeText.trim().min(1).max(120),
  message: SafeMultilineText.trim().min(1).max(2000),
  email: z.boolean().default(true),
  wallet: z.boolean().default(true),
});

const Budget = z
  .int()
  .min(1)
  .max(1_000_000_000)
  .nullable()
  .describe("The most the campaign may give away, in the program's unit (minor units for cashback). Required for cashback bonuses and multipliers.");

const HoldoutPercent = z
  .int()
  .min(0)
  .max(MAX_HOLDOUT_PERCENT)
  .describe("A share of the audience (0 to 50 %) that gets nothing, drawn at random when the campaign starts, to measure the campaign against.");

export const CampaignInput = z
  .object({
    programId: EntityId,
    name: SafeText.trim().min(1).max(80),
    audience: CampaignAudience,
    effect: CampaignEffect,
    announcement: CampaignAnnouncement.nullable().optional(),
    startsAt: localDateTime,
    endsAt: localDateTime,
    budget: Budget.optional(),
    holdoutPercent: HoldoutPercent.default(0),
    schedule: z.boolean().default(true).describe("Schedule at once; false keeps a draft."),
  })
  .strict();
export type CampaignInput = z.input<typeof CampaignInput>;

/**
 * A change to a campaign. Before it starts anything but the program may change. While it runs only
 * its name, its end (still in the future) and its budget (not below what it has given): the start,
 * audience, offer, holdout and announcement have already happened. After it ends, nothing.
 */
export const CampaignPatch = z
  .object({
    name: SafeText.trim().min(1).max(80),
    audience: CampaignAudience,
    effect: CampaignEffect,
    announcement: CampaignAnnouncement.nullable(),
    startsAt: localDateTime,
    endsAt: localDateTime,
    budget: Budget,
    holdoutPercent: HoldoutPercent,
    schedule: z.boolean().describe("true: schedule a draft after the change."),
  })
  .partial()
  .strict();
export type CampaignPatch = z.input<typeof CampaignPatch>;
export const UpdateCampaignInput = CampaignPatch.extend({ campaignId: EntityId }).strict();

/** The API's list filter. */
export const CampaignListQuery = z
  .object({ status: z.enum(["draft", "scheduled", "active", "ended", "cancelled"]).optional().describe("Only campaigns in this state.") })
  .strict();

export const CampaignRef = z.object({ campaignId: EntityId }).strict();

const duplicateFields = {
  name: SafeText.trim().min(1).max(80).optional().describe("Defaults to the original's name with “(copy)”."),
  startsAt: localDateTime.optional(),
  endsAt: localDateTime.optional(),
};
const bothTimesOrNeither = (v: { startsAt?: string; endsAt?: string }) => (v.startsAt === undefined) === (v.endsAt === undefined);

/** What the API's duplicate takes besides the campaign's id. */
export const DuplicateCampaignBody = z.object(duplicateFields).strict().refine(bothTimesOrNeither, { message: "give both times, or neither", path: ["endsAt"] });
export const DuplicateCampaignInput = z
  .object({ campaignId: EntityId, ...duplicateFields })
  .strict()
  .refine(bothTimesOrNeither, { message: "give both times, or neither", path: ["endsAt"] });

/** A campaign to schedule: at its saved times, or at new ones (both, in the merchant's time zone). */
export const ScheduleCampaignInput = z
  .object({ campaignId: EntityId, startsAt: localDateTime.optional(), endsAt: localDateTime.optional() })
  .strict()
  .refine((v) => (v.startsAt === undefined) === (v.endsAt === undefined), { message: "give both times, or neither", path: ["endsAt"] });

type Checked = Pick<Campaign, "audience" | "effect" | "budget">;

/** What must hold of a campaign on its program, whether new or changed. */
async function checkCampaign(ctx: Ctx, program: Program, c: Checked): Promise<void> {
  if (c.effect.kind === "double_stamps" && program.kind !== "stamps") throw invalid("effect", "double stamps is for stamp programs");
  if (c.effect.kind === "multiplier" && program.kind === "stamps") throw invalid("effect", "use double stamps for a stamp program");
  const audience = c.audience;
  if (audience.kind === "tier" && !program.tiers?.levels.some((l) => l.name === audience.tier)) throw invalid("audience.tier", "no such tier in this program");
  if (audience.kind === "segment") {
    const [segment] = await ctx.db
      .select({ id: segments.id })
      .from(segments)
      .where(and(eq(segments.id, audience.segmentId), eq(segments.merchantId, ctx.merchantId)));
    if (!segment) throw invalid("audience.segmentId", "no such segment");
  }
  if (mintsMoney(program, c.effect)) {
    // Cashback is money paid out: giving more of it is a payouts decision, under a budget.
    assertCan(ctx.actor, "payouts:manage");
    if (!c.budget) throw invalid("budget", "a cashback bonus or multiplier needs a budget");
  }
}

/** Creates a campaign (and schedules it, unless it is a draft). Times are in the merchant's time zone. */
export async function createCampaign(ctx: Ctx, raw: CampaignInput): Promise<Campaign> {
  assertCan(ctx.actor, "campaigns:write");
  const input = CampaignInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const program = await loadProgram(tx, input.programId);
    const { timezone } = await merchantOf(tx);
    const startsAt = instant(input.startsAt, timezone);
    const endsAt = instant(input.endsAt, timezone);
    checkWindow(startsAt, endsAt, now(ctx));
    await checkCampaign(tx, program, { audience: input.audience, effect: input.effect, budget: input.budget ?? null });

    const [campaign] = await tx.db
      .insert(campaigns)
      .values({
        id: newId("cmp"),
        merchantId: ctx.merchantId,
        programId: program.id,
        name: input.name,
        status: "draft",
        audience: input.audience,
        effect: input.effect,
        announcement: input.announcement ?? null,
        budget: input.budget ?? null,
        holdoutPercent: input.holdoutPercent,
        startsAt,
        endsAt,
        createdBy: ctx.actor.id,
      })
      .returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "campaign.created", { type: "campaign", id: campaign!.id }, { name: input.name });
    return input.schedule ? scheduleCampaign(tx, { campaignId: campaign!.id }) : campaign!;
  });
}

/** Edits a campaign (see CampaignPatch for what may change when); new times reschedule it. */
export async function updateCampaign(ctx: Ctx, raw: z.input<typeof UpdateCampaignInput>): Promise<Campaign> {
  assertCan(ctx.actor, "campaigns:write");
  const { campaignId, schedule, ...patch } = UpdateCampaignInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const current = await loadCampaign(tx, campaignId, true);
    const at = now(ctx);
    if (current.status === "ended" || current.status === "cancelled") throw new AppError("conflict", `The campaign has ${current.status === "ended" ? "ended" : "been cancelled"}; it can no longer be changed. Duplicate it to run it again.`);
    const { timezone } = await merchantOf(tx);
    const startsAt = patch.startsAt === undefined ? current.startsAt : instant(patch.startsAt, timezone);
    const endsAt = patch.endsAt === undefined ? current.endsAt : instant(patch.endsAt, timezone);
    const running = current.status === "active";
    if (running) {
      // What has already happened stays as it was.
      const fixed = (["audience", "effect", "holdoutPercent", "announcement"] as const).filter((k) => patch[k] !== undefined && JSON.stringify(patch[k]) !== JSON.stringify(current[k]));
      if (startsAt.getTime() !== current.startsAt.getTime()) fixed.unshift("startsAt" as never);
      if (fixed.length) {
        throw new AppError("conflict", "The campaign is running: its start, audience, offer, holdout and announcement are fixed. You can rename it, move its end or change its budget.", {
          errors: fixed.map((path) => ({ path, message: "fixed while the campaign runs" })),
        });
      }
      if (endsAt.getTime() <= at.getTime()) throw invalid("endsAt", "must be in the future; stop the campaign to end it now");
      if (patch.budget !== undefined && patch.budget !== null && patch.budget < current.spent) throw invalid("budget", "is below what the campaign has already given");
    } else {
      checkWindow(startsAt, endsAt, at);
      if (current.status === "scheduled" && startsAt.getTime() <= at.getTime() && startsAt.getTime() !== current.startsAt.getTime()) throw invalid("startsAt", "must be in the future");
    }
    const next = { audience: patch.audience ?? current.audience, effect: patch.effect ?? current.effect, budget: patch.budget === undefined ? current.budget : patch.budget };
    await checkCampaign(tx, await loadProgram(tx, current.programId), next);
    const moved = startsAt.getTime() !== current.startsAt.getTime() || endsAt.getTime() !== current.endsAt.getTime();
    const [campaign] = await tx.db
      .update(campaigns)
      .set({
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.announcement === undefined ? {} : { announcement: patch.announcement }),
        ...(patch.holdoutPercent === undefined ? {} : { holdoutPercent: patch.holdoutPercent }),
        ...next,
        startsAt,
        endsAt,
        updatedAt: at,
      })
      .where(eq(campaigns.id, campaignId))
      .returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "campaign.updated", { type: "campaign", id: campaignId }, { fields: Object.keys(patch) });
    // New times (or a draft to schedule) start a new run; the old run stops at its next step.
    if ((moved && current.status !== "draft") || (schedule && current.status === "draft")) return reschedule(tx, campaign!);
    return campaign!;
  });
}

/** A copy of a campaign as a new draft: the same program, audience, offer, holdout and announcement. */
export async function duplicateCampaign(ctx: Ctx, raw: z.input<typeof DuplicateCampaignInput>): Promise<Campaign> {
  assertCan(ctx.actor, "campaigns:write");
  const input = DuplicateCampaignInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const original = await loadCampaign(tx, input.campaignId);
    const program = await loadProgram(tx, original.programId);
    if (mintsMoney(program, original.effect)) assertCan(ctx.actor, "payouts:manage");
    const at = now(ctx);
    let startsAt = original.startsAt;
    let endsAt = original.endsAt;
    if (input.startsAt && input.endsAt) {
      const { timezone } = await merchantOf(tx);
      startsAt = instant(input.startsAt, timezone);
      endsAt = instant(input.endsAt, timezone);
      checkWindow(startsAt, endsAt, at);
    } else if (startsAt.getTime() <= at.getTime()) {
      // Same length, from the next whole hour a day from now.
      const length = endsAt.getTime() - startsAt.getTime();
      startsAt = new Date(Math.ceil(at.getTime() / 3_600_000) * 3_600_000 + 86_400_000);
      endsAt = new Date(startsAt.getTime() + length);
    }
    const name = input.name ?? `${original.name.slice(0, 73)} (copy)`;
    const [copy] = await tx.db
      .insert(campaigns)
      .values({
        id: newId("cmp"),
        merchantId: ctx.merchantId,
        programId: original.programId,
        name,
        status: "draft",
        audience: original.audience,
        effect: original.effect,
        announcement: original.announcement,
        budget: original.budget,
        holdoutPercent: original.holdoutPercent,
        startsAt,
        endsAt,
        createdBy: ctx.actor.id,
      })
      .returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "campaign.duplicated", { type: "campaign", id: copy!.id }, { from: original.id });
    return copy!;
  });
}

/**
 * Starts a draft or scheduled campaign now: its start moves to this moment and it is activated in
 * this request (audience and holdout drawn, bonus paid), exactly as the job's first step would; the
 * run that follows announces it and ends it on time.
 */
export async function startCampaignNow(ctx: Ctx, raw: z.input<typeof CampaignRef>): Promise<Campaign> {
  assertCan(ctx.actor, "campaigns:write");
  const { campaignId } = CampaignRef.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const current = await loadCampaign(tx, campaignId, true);
    if (current.status !== "draft" && current.status !== "scheduled") throw new AppError("conflict", `The campaign is ${current.status}; only a draft or scheduled campaign can start now.`);
    const program = await loadProgram(tx, current.programId);
    await checkCampaign(tx, program, current);
    const at = now(ctx);
    checkWindow(at, current.endsAt, at);
    const [timed] = await tx.db.update(campaigns).set({ startsAt: at, updatedAt: at }).where(eq(campaigns.id, campaignId)).returning();
    const scheduled = await reschedule(tx, timed!);
    const started = await activateCampaign(tx.db, campaignId, scheduled.scheduleVersion, at);
    if (!started.ok) throw new AppError("conflict", `The campaign could not start (${started.reason}).`);
    await audit(tx.db, ctx.merchantId, ctx.actor, "campaign.started", { type: "campaign", id: campaignId }, { bonusCards: started.bonusCards });
    return loadCampaign(tx, campaignId);
  });
}

/** Bumps the schedule version and starts a run for the campaign's current times. */
async function reschedule(tx: TxCtx, current: Campaign): Promise<Campaign> {
  const [campaign] = await tx.db
    .update(campaigns)
    .set({ status: current.status === "draft" ? "scheduled" : current.status, scheduleVersion: sql`${campaigns.scheduleVersion} + 1`, updatedAt: now(tx) })
    .where(eq(campaigns.id, current.id))
    .returning();
  await recordEvents(tx.db, tx.merchantId, [
    {
      type: "campaign.scheduled",
      payload: { campaignId: current.id, scheduleVersion: campaign!.scheduleVersion, startsAt: campaign!.startsAt.toISOString(), endsAt: campaign!.endsAt.toISOString() },
    },
  ]);
  await audit(tx.db, tx.merchantId, tx.actor, "campaign.scheduled", { type: "campaign", id: current.id }, { startsAt: campaign!.startsAt, endsAt: campaign!.endsAt });
  return campaign!;
}

/** Schedules a draft, or moves a scheduled campaign to new times; a run started for the old times stops. */
export async function scheduleCampaign(ctx: Ctx, raw: z.input<typeof ScheduleCampaignInput>): Promise<Campaign> {
  assertCan(ctx.actor, "campaigns:write");
  const { campaignId, ...times } = ScheduleCampaignInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const current = await loadCampaign(tx, campaignId, true);
    if (current.status !== "draft" && current.status !== "scheduled") throw new AppError("conflict", `The campaign is ${current.status}; it can no longer be scheduled.`);
    if (mintsMoney(await loadProgram(tx, current.programId), current.effect)) assertCan(ctx.actor, "payouts:manage");
    let { startsAt, endsAt } = current;
    if (times.startsAt && times.endsAt) {
      const { timezone } = await merchantOf(tx);
      startsAt = instant(times.startsAt, timezone);
      endsAt = instant(times.endsAt, timezone);
    }
    checkWindow(startsAt, endsAt, now(ctx));
    const [timed] = await tx.db.update(campaigns).set({ startsAt, endsAt, updatedAt: now(ctx) }).where(eq(campaigns.id, campaignId)).returning();
    return reschedule(tx, { ...timed!, status: "draft" });
  });
}

/** Cancels a campaign at any point: before the start nothing happens; while it runs, its multiplier stops at once. */
export async function cancelCampaign(ctx: Ctx, raw: z.input<typeof CampaignRef>): Promise<Campaign> {
  assertCan(ctx.actor, "campaigns:write");
  const { campaignId } = CampaignRef.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const current = await loadCampaign(tx, campaignId, true);
    if (current.status === "cancelled" || current.status === "ended") return current;
    const [campaign] = await tx.db
      .update(campaigns)
      .set({ status: "cancelled", cancelledAt: now(ctx), updatedAt: now(ctx) })
      .where(eq(campaigns.id, campaignId))
      .returning();
    await recordEvents(tx.db, ctx.merchantId, [{ type: "campaign.cancelled", payload: { campaignId } }]);
    await audit(tx.db, ctx.merchantId, ctx.actor, "campaign.cancelled", { type: "campaign", id: campaignId });
    return campaign!;
  });
}

export async function listCampaigns(ctx: Ctx, range?: { from: Date; to: Date }): Promise<Campaign[]> {
  assertCan(ctx.actor, "campaigns:read");
  const where = range
    ? and(eq(campaigns.merchantId, ctx.merchantId), lt(campaigns.startsAt, range.to), gte(campaigns.endsAt, range.from))
    : eq(campaigns.merchantId, ctx.merchantId);
  return ctx.db.select().from(campaigns).where(where).orderBy(asc(campaigns.startsAt));
}

/** One campaign of the business, for someone who may read campaigns. */
export async function getCampaign(ctx: Ctx, campaignId: string): Promise<Campaign> {
  assertCan(ctx.actor, "campaigns:read");
  if (!EntityId.safeParse(campaignId).success) throw notFound("Campaign");
  return loadCampaign(ctx, campaignId);
}

export async function loadCampaign(ctx: Ctx, campaignId: string, forUpdate = false): Promise<Campaign> {
  const query = ctx.db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.merchantId, ctx.merchantId)));
  const [campaign] = forUpdate ? await query.for("update") : await query;
  if (!campaign) throw notFound("Campaign");
  return campaign;
}

/** A bonus or multiplier on a cashback program gives away money that is later paid out. */
export function mintsMoney(program: Pick<Program, "kind">, effect: z.infer<typeof CampaignEffect>): boolean {
  return program.kind === "cashback" && (effect.kind === "bonus" || effect.kind === "multiplier");
}

function checkWindow(startsAt: Date, endsAt: Date, at: Date) {
  if (endsAt.getTime() <= startsAt.getTime()) throw invalid("endsAt", "must be after the start");
  if (endsAt.getTime() <= at.getTime()) throw invalid("endsAt", "must be in the future");
}

/** A wall-clock time in the business's time zone (or an ISO instant) as an instant; a time that does not exist is refused. */
function instant(local: string, timezone: string): Date {
  const at = toInstant(local, timezone);
  if (Number.isNaN(at.getTime()) || at.getUTCFullYear() < 2000) throw invalid("startsAt", `${local} is not a time we can schedule`);
  return at;
}

function invalid(path: string, message: string) {
  return new AppError("invalid", message, { errors: [{ path, message }] });
}
