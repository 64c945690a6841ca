import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Executor } from "../../db/client";
import { campaigns, locations, merchants, programs, segments, type Segment } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { now, withTransaction, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId, newId } from "../ids";
import { SegmentDefinition, SegmentInput, SegmentPatch, SegmentPreviewInput } from "./schema";
import { segmentCardsSql, type SegmentEnv } from "./sql";

export type SegmentCount = { cards: number; customers: number };
export type SegmentSample = { cardId: string; programId: string; tier: string | null; balance: number; lastActivityAt: string };
export type SegmentPreview = SegmentCount & { sample: SegmentSample[] };

const SAMPLE_SIZE = 10;

/** The definition of a stored segment, checked again: a row written by an older version still parses, or fails loudly. */
export function storedDefinition(segment: Pick<Segment, "definition">): SegmentDefinition {
  return SegmentDefinition.parse(segment.definition);
}

export async function segmentEnv(db: Executor, merchantId: string, at: Date): Promise<SegmentEnv> {
  const [merchant] = await db.select({ currency: merchants.currency }).from(merchants).where(eq(merchants.id, merchantId));
  if (!merchant) throw notFound("Merchant");
  return { at, currency: merchant.currency };
}

/** Programs and locations a definition names must be the merchant's: a clear error rather than a silent empty segment. */
async function checkReferences(ctx: Ctx, definition: SegmentDefinition): Promise<void> {
  for (const [i, c] of definition.conditions.entries()) {
    if (c.field === "program") {
      const own = await ctx.db
        .select({ id: programs.id })
        .from(programs)
        .where(and(eq(programs.merchantId, ctx.merchantId), inArray(programs.id, c.programIds)));
      if (own.length !== new Set(c.programIds).size) throw invalid(`definition.conditions.${i}.programIds`, "no such program");
    }
    if (c.field === "location") {
      const own = await ctx.db
        .select({ id: locations.id })
        .from(locations)
        .where(and(eq(locations.merchantId, ctx.merchantId), inArray(locations.id, c.locationIds)));
      if (own.length !== new Set(c.locationIds).size) throw invalid(`definition.conditions.${i}.locationIds`, "no such location");
    }
  }
}

export async function createSegment(ctx: Ctx, raw: SegmentInput): Promise<Segment> {
  assertCan(ctx.actor, "segments:write");
  const input = SegmentInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    await checkReferences(tx, input.definition);
    const [segment] = await tx.db
      .insert(segments)
      .values({ id: newId("seg"), merchantId: ctx.merchantId, name: input.name, description: input.description ?? null, definition: input.definition, createdBy: ctx.actor.id })
      .returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "segment.created", { type: "segment", id: segment!.id }, { name: input.name });
    return segment!;
  });
}

export const UpdateSegmentInput = SegmentPatch.extend({ segmentId: EntityId }).strict();

/** Renames a segment or changes its rule. Campaigns that already started keep the members they were given. */
export async function updateSegment(ctx: Ctx, raw: z.input<typeof UpdateSegmentInput>): Promise<Segment> {
  assertCan(ctx.actor, "segments:write");
  const { segmentId, ...patch } = UpdateSegmentInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    await getSegmentRow(tx, segmentId, true);
    if (patch.definition) await checkReferences(tx, patch.definition);
    const [segment] = await tx.db
      .update(segments)
      .set({ ...patch, updatedAt: now(ctx) })
      .where(and(eq(segments.id, segmentId), eq(segments.merchantId, ctx.merchantId)))
      .returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "segment.updated", { type: "segment", id: segmentId }, { fields: Object.keys(patch) });
    return segment!;
  });
}

/** Deletes a segment no upcoming or running campaign targets (those would lose their audience). */
export async function deleteSegment(ctx: Ctx, raw: { segmentId: string }): Promise<void> {
  assertCan(ctx.actor, "segments:write");
  const { segmentId } = z.object({ segmentId: EntityId }).strict().parse(raw);
  await withTransaction(ctx, async (tx) => {
    await getSegmentRow(tx, segmentId, true);
    const using = await tx.db
      .select({ name: campaigns.name })
      .from(campaigns)
      .where(
        and(
          eq(campaigns.merchantId, ctx.merchantId),
          inArray(campaigns.status, ["draft", "scheduled", "active"]),
          sql`${campaigns.audience}->>'kind' = 'segment' and ${campaigns.audience}->>'segmentId' = ${segmentId}`,
        ),
      );
    if (using.length) throw new AppError("conflict", `Campaign “${using[0]!.name}” targets this segment; change or cancel it first.`);
    await tx.db.delete(segments).where(and(eq(segments.id, segmentId), eq(segments.merchantId, ctx.merchantId)));
    await audit(tx.db, ctx.merchantId, ctx.actor, "segment.deleted", { type: "segment", id: segmentId });
  });
}

async function getSegmentRow(ctx: Ctx, segmentId: string, lock = false): Promise<Segment> {
  const q = ctx.db
    .select()
    .from(segments)
    .where(and(eq(segments.id, segmentId), eq(segments.merchantId, ctx.merchantId)));
  const [segment] = lock ? await q.for("update") : await q;
  if (!segment) throw notFound("Segment");
  return segment;
}

/** One saved segment, with how many cards and customers it holds now. */
export async function getSegment(ctx: Ctx, segmentId: string): Promise<Segment & { count: SegmentCount }> {
  assertCan(ctx.actor, "campaigns:read");
  const segment = await getSegmentRow(ctx, segmentId);
  return { ...segment, count: await countDefinition(ctx, storedDefinition(segment)) };
}

/** The merchant's saved segments by name, each with its current size. */
export async function listSegments(ctx: Ctx, opts: { withCounts?: boolean } = {}): Promise<(Segment & { count: SegmentCount | null })[]> {
  assertCan(ctx.actor, "campaigns:read");
  const rows = await ctx.db.select().from(segments).where(eq(segments.merchantId, ctx.merchantId)).orderBy(asc(segments.name));
  return Promise.all(rows.map(async (s) => ({ ...s, count: opts.withCounts ? await countDefinition(ctx, storedDefinition(s)) : null })));
}

async function countDefinition(ctx: Ctx, definition: SegmentDefinition, programId?: string): Promise<SegmentCount> {
  const env = { ...(await segmentEnv(ctx.db, ctx.merchantId, now(ctx))), merchantId: ctx.merchantId, programId };
  const [row] = await queryRows<{ cards: number; customers: number }>(
    ctx.db,
    sql`select count(*)::int as cards, count(distinct s.customer_id)::int as customers from (${segmentCardsSql(definition, env, sql`c.id, c.customer_id`)}) s`,
  );
  return { cards: Number(row?.cards ?? 0), customers: Number(row?.customers ?? 0) };
}

/** How many cards an unsaved definition selects, and a few of them: the builder's live count. */
export async function previewSegment(ctx: Ctx, raw: z.input<typeof SegmentPreviewInput>): Promise<SegmentPreview> {
  assertCan(ctx.actor, "campaigns:read");
  const { definition, programId } = SegmentPreviewInput.parse(raw);
  await checkReferences(ctx, definition);
  if (programId) {
    const [own] = await ctx.db
      .select({ id: programs.id })
      .from(programs)
      .where(and(eq(programs.id, programId), eq(programs.merchantId, ctx.merchantId)));
    if (!own) throw invalid("programId", "no such program");
  }
  const env = { ...(await segmentEnv(ctx.db, ctx.merchantId, now(ctx))), merchantId: ctx.merchantId, programId };
  const count = await countDefinition(ctx, definition, programId);
  const sample = await queryRows<{ id: string; program_id: string; tier: string | null; balance: number; last_activity_at: string | Date }>(
    ctx.db,
    sql`${segmentCardsSql(definition, env, sql`c.id, c.program_id, c.tier, c.balance, c.last_activity_at`)} order by c.last_activity_at desc, c.id limit ${SAMPLE_SIZE}`,
  );
  return {
    ...count,
    sample: sample.map((r) => ({ cardId: r.id, programId: r.program_id, tier: r.tier, balance: Number(r.balance), lastActivityAt: new Date(r.last_activity_at).toISOString() })),
  };
}

function invalid(path: string, message: string) {
  return new AppError("invalid", message, { errors: [{ path, message }] });
}
