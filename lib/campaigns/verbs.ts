import { and, asc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { campaigns, segmentMembers, segments, cards, type Campaign, type Program, type Segment } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { now, withTransaction, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId, newId } from "../ids";
import { loadProgram } from "../programs/verbs";
import { merchantOf } from "../merchants/verbs";
import { recordEvents } from "../outbox";
import { RFM_GROUPS } from "../insights/rfm";
import { zonedToUtc } from "./time";
import { SafeMultilineText, SafeText } from "../input";

const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/, "a date and time, such as 2025-06-01T09:00")
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

export const CampaignInput = z
  .object({
    programId: EntityId,
    name: SafeText.trim().min(1).max(80),
    audience: CampaignAudience,
    effect: CampaignEffect,
    announcement: CampaignAnnouncement.nullable().optional(),
    startsAt: localDateTime,
    endsAt: localDateTime,
    budget: z
      .int()
      .min(1)
      .max(1_000_000_000)
      .nullable()
      .optional()
      .describe("The most the campaign may give away, in the program's unit (minor units for cashback). Required for cashback bonuses and multipliers."),
    schedule: z.boolean().default(true).describe("Schedule at once; false keeps a draft."),
  })
  .strict();
export type CampaignInput = z.input<typeof CampaignInput>;

export const CampaignRef = z.object({ campaignId: EntityId }).strict();

/** A campaign to schedule: at its saved times, or at new ones (both, in the merchant's time zone). */
export const ScheduleCampaignInput = z
  .object({ campaignId: EntityId, startsAt: localDateTime.optional(), endsAt: localDateTime.optional() })
  .strict()
  .refine((v) => (v.startsAt === undefined) === (v.endsAt === undefined), { message: "give both times, or neither", path: ["endsAt"] });

export const SegmentInput = z.object({ programId: EntityId, name: SafeText.trim().min(1).max(80), cardIds: z.array(EntityId).max(100_000) }).strict();

/** Creates a campaign (and schedules it, unless it is a draft). Times are in the merchant's time zone. */
export async function createCampaign(ctx: Ctx, raw: CampaignInput): Promise<Campaign> {
  assertCan(ctx.actor, "campaigns:write");
  const input = CampaignInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const program = await loadProgram(tx, input.programId);
    const { timezone } = await merchantOf(tx);
    const startsAt = zonedToUtc(input.startsAt, timezone);
    const endsAt = zonedToUtc(input.endsAt, timezone);
    checkWindow(startsAt, endsAt, now(ctx));
    if (input.effect.kind === "double_stamps" && program.kind !== "stamps") throw invalid("effect", "double stamps is for stamp programs");
    if (input.effect.kind === "multiplier" && program.kind === "stamps") throw invalid("effect", "use double stamps for a stamp program");
    const audience = input.audience;
    if (audience.kind === "tier" && !program.tiers?.levels.some((l) => l.name === audience.tier)) throw invalid("audience.tier", "no such tier in this program");
    if (audience.kind === "segment") await loadSegment(tx, audience.segmentId, program.id);
    if (mintsMoney(program, input.effect)) {
      // Cashback is money paid out: giving more of it is a payouts decision, under a budget.
      assertCan(ctx.actor, "payouts:manage");
      if (!input.budget) throw invalid("budget", "a cashback bonus or multiplier needs a budget");
    }

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
        startsAt,
        endsAt,
        createdBy: ctx.actor.id,
      })
      .returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "campaign.created", { type: "campaign", id: campaign!.id }, { name: input.name });
    return input.schedule ? scheduleCampaign(tx, { campaignId: campaign!.id }) : campaign!;
  });
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
      startsAt = zonedToUtc(times.startsAt, timezone);
      endsAt = zonedToUtc(times.endsAt, timezone);
    }
    checkWindow(startsAt, endsAt, now(ctx));
    const [campaign] = await tx.db
      .update(campaigns)
      .set({ status: "scheduled", startsAt, endsAt, scheduleVersion: sql`${campaigns.scheduleVersion} + 1`, updatedAt: now(ctx) })
      .where(eq(campaigns.id, campaignId))
      .returning();
    await recordEvents(tx.db, ctx.merchantId, [
      {
        type: "campaign.scheduled",
        payload: { campaignId, scheduleVersion: campaign!.scheduleVersion, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() },
      },
    ]);
    await audit(tx.db, ctx.merchantId, ctx.actor, "campaign.scheduled", { type: "campaign", id: campaignId }, { startsAt, endsAt });
    return campaign!;
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
  assertCan(ctx.actor, "reports:read");
  const where = range
    ? and(eq(campaigns.merchantId, ctx.merchantId), lt(campaigns.startsAt, range.to), gte(campaigns.endsAt, range.from))
    : eq(campaigns.merchantId, ctx.merchantId);
  return ctx.db.select().from(campaigns).where(where).orderBy(asc(campaigns.startsAt));
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

/** A saved segment: a named list of cards of one program. */
export async function createSegment(ctx: Ctx, raw: z.input<typeof SegmentInput>): Promise<Segment> {
  assertCan(ctx.actor, "campaigns:write");
  const parsed = SegmentInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    await loadProgram(tx, parsed.programId);
    const [segment] = await tx.db.insert(segments).values({ id: newId("seg"), merchantId: ctx.merchantId, programId: parsed.programId, name: parsed.name }).returning();
    if (parsed.cardIds.length) {
      const own = await tx.db
        .select({ id: cards.id })
        .from(cards)
        .where(and(eq(cards.merchantId, ctx.merchantId), eq(cards.programId, parsed.programId), inArray(cards.id, parsed.cardIds)));
      if (own.length) await tx.db.insert(segmentMembers).values(own.map((c) => ({ segmentId: segment!.id, cardId: c.id }))).onConflictDoNothing();
    }
    return segment!;
  });
}

async function loadSegment(ctx: Ctx, segmentId: string, programId: string): Promise<Segment> {
  const [segment] = await ctx.db
    .select()
    .from(segments)
    .where(and(eq(segments.id, segmentId), eq(segments.merchantId, ctx.merchantId), eq(segments.programId, programId)));
  if (!segment) throw notFound("Segment");
  return segment;
}

/** A bonus or multiplier on a cashback program gives away money that is later paid out. */
export function mintsMoney(program: Pick<Program, "kind">, effect: z.infer<typeof CampaignEffect>): boolean {
  return program.kind === "cashback" && (effect.kind === "bonus" || effect.kind === "multiplier");
}

function checkWindow(startsAt: Date, endsAt: Date, at: Date) {
  if (endsAt.getTime() <= startsAt.getTime()) throw invalid("endsAt", "must be after the start");
  if (endsAt.getTime() <= at.getTime()) throw invalid("endsAt", "must be in the future");
}

function invalid(path: string, message: string) {
  return new AppError("invalid", message, { errors: [{ path, message }] });
}

/** Saved segments of the merchant, for the campaign form. */
export async function listSegments(ctx: Ctx): Promise<Segment[]> {
  assertCan(ctx.actor, "reports:read");
  return ctx.db.select().from(segments).where(eq(segments.merchantId, ctx.merchantId)).orderBy(asc(segments.name));
}
