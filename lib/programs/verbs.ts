import { and, asc, count, eq } from "drizzle-orm";
import type { z } from "zod";
import { cards, programs, rewards, type Program } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { now, withTransaction, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId, newId } from "../ids";
import { merchantOf } from "../merchants/verbs";
import { recordEvents } from "../outbox";
import { EarningRules } from "../rules/schema";
import { PassDesign } from "./design";
import { CreateProgramInput, UpdateProgramInput } from "./schema";

export async function createProgram(ctx: Ctx, raw: z.input<typeof CreateProgramInput>): Promise<Program> {
  assertCan(ctx.actor, "programs:write");
  const input = CreateProgramInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const merchant = await merchantOf(tx);
    const rules = defaultRules(input);
    if (input.kind === "cashback" && rules.basis !== "percent") throw invalid("rules.basis", "a cashback program earns a percentage");
    if (input.kind !== "cashback" && rules.basis === "percent") throw invalid("rules.basis", "percent is for cashback programs");
    const [program] = await tx.db
      .insert(programs)
      .values({
        id: newId("prg"),
        merchantId: ctx.merchantId,
        name: input.name,
        kind: input.kind,
        currency: input.currency ?? merchant.currency,
        rules,
        tiers: input.tiers ?? null,
        expiry: input.expiry ?? { kind: "never" },
        reminderDays: input.reminderDays ?? [14, 3],
        design: input.design ?? PassDesign.parse({ backgroundColor: merchant.brandColor, logoText: merchant.name }),
        stampsRequired: input.kind === "stamps" ? input.stampsRequired : null,
        stampRewardId: input.kind === "stamps" ? (input.stampRewardId ?? null) : null,
        endsAt: input.endsAt ? new Date(input.endsAt) : null,
      })
      .returning();
    if (input.kind === "stamps" && input.stampRewardId) await assertReward(tx, program!.id, input.stampRewardId);
    await audit(tx.db, ctx.merchantId, ctx.actor, "program.created", { type: "program", id: program!.id }, { name: input.name, kind: input.kind });
    await recordEvents(tx.db, ctx.merchantId, [{ type: "program.changed", payload: { programId: program!.id } }]);
    return program!;
  });
}

function defaultRules(input: CreateProgramInput): EarningRules {
  if (input.rules) return input.rules;
  if (input.kind === "cashback") return EarningRules.parse({ basis: "percent", rate: input.cashbackPercent ?? 5 });
  if (input.kind === "stamps") return EarningRules.parse({ basis: "visit", rate: 1 });
  return EarningRules.parse({ basis: "amount", rate: 1 });
}

/** What updateProgram takes: the program, and the fields to change. */
const ProgramPatch = UpdateProgramInput.extend({ programId: EntityId });

export async function updateProgram(ctx: Ctx, raw: z.input<typeof ProgramPatch>): Promise<Program> {
  assertCan(ctx.actor, "programs:write");
  const { programId, ...input } = ProgramPatch.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const before = await getProgram(tx, programId);
    if (input.rules && (before.kind === "cashback") !== (input.rules.basis === "percent")) {
      throw invalid("rules.basis", before.kind === "cashback" ? "a cashback program earns a percentage" : "percent is for cashback programs");
    }
    if (input.stampRewardId) await assertReward(tx, programId, input.stampRewardId);
    const [program] = await tx.db
      .update(programs)
      .set({ ...input, endsAt: input.endsAt === undefined ? undefined : input.endsAt === null ? null : new Date(input.endsAt), updatedAt: now(ctx) })
      .where(and(eq(programs.id, programId), eq(programs.merchantId, ctx.merchantId)))
      .returning();
    const changed = Object.fromEntries(Object.keys(input).map((k) => [k, { from: before[k as keyof Program], to: input[k as keyof UpdateProgramInput] }]));
    await audit(tx.db, ctx.merchantId, ctx.actor, "program.updated", { type: "program", id: programId }, changed);
    await recordEvents(tx.db, ctx.merchantId, [{ type: "program.changed", payload: { programId } }]);
    return program!;
  });
}

export async function getProgram(ctx: Ctx, programId: string): Promise<Program> {
  assertCan(ctx.actor, "programs:read");
  return loadProgram(ctx, programId);
}

/** getProgram for a verb that has checked its own permission (campaigns, payouts, lifecycle). */
export async function loadProgram(ctx: Ctx, programId: string): Promise<Program> {
  const [program] = await ctx.db
    .select()
    .from(programs)
    .where(and(eq(programs.id, programId), eq(programs.merchantId, ctx.merchantId)));
  if (!program) throw notFound("Program");
  return program;
}

export async function listPrograms(ctx: Ctx): Promise<Program[]> {
  assertCan(ctx.actor, "programs:read");
  return ctx.db.select().from(programs).where(eq(programs.merchantId, ctx.merchantId)).orderBy(asc(programs.createdAt), asc(programs.id));
}

/** Cards per program, for the programs list. */
export async function programMemberCounts(ctx: Ctx): Promise<Map<string, number>> {
  assertCan(ctx.actor, "programs:read");
  const rows = await ctx.db.select({ programId: cards.programId, n: count() }).from(cards).where(eq(cards.merchantId, ctx.merchantId)).groupBy(cards.programId);
  return new Map(rows.map((r) => [r.programId, Number(r.n)]));
}

async function assertReward(ctx: Ctx, programId: string, rewardId: string) {
  const [reward] = await ctx.db
    .select({ programId: rewards.programId })
    .from(rewards)
    .where(and(eq(rewards.id, rewardId), eq(rewards.merchantId, ctx.merchantId)));
  if (!reward || reward.programId !== programId) throw invalid("stampRewardId", "no such reward in this program");
}

function invalid(path: string, message: string) {
  return new AppError("invalid", message, { errors: [{ path, message }] });
}
