import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "../../db/client";
import { lifecycleSettings, rewards, type LifecycleSettings, type Program } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { withTransaction, type Ctx } from "../context";
import { AppError } from "../errors";
import { EntityId } from "../ids";
import { recordEvents } from "../outbox";
import { loadProgram } from "../programs/verbs";
import { automationStats, type AutomationStats } from "./stats";

/*
 * A program's automations: a welcome bonus on joining, a birthday bonus or voucher some days before
 * the birthday, a referral bonus for both sides after the new member's first qualifying purchase
 * (capped per referrer per calendar month), and a win-back bonus after N days without a visit.
 * Each has its own switch; switching one off keeps its settings. Amounts are in the program's unit:
 * points, stamps, or minor units of its currency for cashback.
 */

const Amount = z.int().min(0).max(1_000_000);

const WelcomeInput = z
  .object({
    enabled: z.boolean(),
    bonus: Amount.describe("Given once, when a member joins."),
  })
  .strict();

const BirthdayInput = z
  .object({
    enabled: z.boolean(),
    bonus: Amount.describe("Points given for the birthday (ignored when rewardId is set)."),
    rewardId: EntityId.nullable().describe("A reward of the program's catalog, given as a voucher instead of points; null for points."),
    daysBefore: z.int().min(0).max(30).describe("Given this many days before the birthday (0: on the day), once a year."),
  })
  .strict();

const ReferralInput = z
  .object({
    enabled: z.boolean(),
    referrerBonus: Amount.describe("For the member who shared their link."),
    refereeBonus: Amount.describe("For the new member."),
    minPurchase: z.int().min(0).max(100_000_000).describe("The new member's first purchase of at least this much (minor units of the program's currency) credits both; 0: their first earn of any kind."),
    monthlyCap: z.int().min(1).max(1000).nullable().describe("Credited referrals per referrer per calendar month (the business's time zone); null: no cap. Over the cap the new member is still credited."),
  })
  .strict();

const WinbackInput = z
  .object({
    enabled: z.boolean(),
    days: z.int().min(7).max(3650).describe("Days without a visit before the offer."),
    bonus: Amount,
  })
  .strict();

/** What PUT /programs/{id}/automations and the dashboard send: each section given replaces that automation; one left out stays as it is. */
export const AutomationsInput = z
  .object({
    welcome: WelcomeInput.optional(),
    birthday: BirthdayInput.optional(),
    referral: ReferralInput.optional(),
    winback: WinbackInput.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const need = (ok: boolean, path: string[], message: string) => {
      if (!ok) ctx.addIssue({ code: "custom", path, message });
    };
    if (v.welcome?.enabled) need(v.welcome.bonus > 0, ["welcome", "bonus"], "give a bonus above 0 to switch the welcome bonus on");
    if (v.birthday?.enabled) need(v.birthday.bonus > 0 || v.birthday.rewardId !== null, ["birthday", "bonus"], "give points or a reward to switch the birthday bonus on");
    if (v.referral?.enabled) need(v.referral.referrerBonus > 0 || v.referral.refereeBonus > 0, ["referral", "referrerBonus"], "give either side a bonus to switch referrals on");
    if (v.winback?.enabled) need(v.winback.bonus > 0, ["winback", "bonus"], "give a bonus above 0 to switch win-back on");
  });
export type AutomationsInput = z.input<typeof AutomationsInput>;

export type Automations = {
  programId: string;
  programKind: Program["kind"];
  currency: string;
  welcome: z.infer<typeof WelcomeInput> & { stats: AutomationStats };
  birthday: z.infer<typeof BirthdayInput> & { stats: AutomationStats };
  referral: z.infer<typeof ReferralInput> & { stats: AutomationStats };
  winback: z.infer<typeof WinbackInput> & { stats: AutomationStats };
  updatedAt: Date | null;
};

/** A program's settings as stored, or every automation off. */
export async function loadAutomationSettings(db: Executor, programId: string): Promise<LifecycleSettings | null> {
  const [row] = await db.select().from(lifecycleSettings).where(eq(lifecycleSettings.programId, programId));
  return row ?? null;
}

/** The automation settings of several programs, by program id (absent: never set). */
export async function loadAutomationSettingsOf(db: Executor, programIds: string[]): Promise<Map<string, LifecycleSettings>> {
  if (programIds.length === 0) return new Map();
  const rows = await db.select().from(lifecycleSettings).where(inArray(lifecycleSettings.programId, [...new Set(programIds)]));
  return new Map(rows.map((r) => [r.programId, r]));
}

function sections(row: LifecycleSettings | null) {
  return {
    welcome: { enabled: row?.welcomeEnabled ?? false, bonus: row?.welcomeBonus ?? 0 },
    birthday: { enabled: row?.birthdayEnabled ?? false, bonus: row?.birthdayBonus ?? 0, rewardId: row?.birthdayRewardId ?? null, daysBefore: row?.birthdayDaysBefore ?? 0 },
    referral: {
      enabled: row?.referralEnabled ?? false,
      referrerBonus: row?.referrerBonus ?? 0,
      refereeBonus: row?.refereeBonus ?? 0,
      minPurchase: row?.referralMinPurchase ?? 0,
      monthlyCap: row?.referralMonthlyCap ?? null,
    },
    winback: { enabled: row?.winbackEnabled ?? false, days: row?.winbackDays ?? 60, bonus: row?.winbackBonus ?? 0 },
  };
}

/** A program's automations with their numbers: who qualifies this week, what each has cost and what followed. */
export async function getAutomations(ctx: Ctx, programId: string, at: Date = new Date()): Promise<Automations> {
  assertCan(ctx.actor, "automations:read");
  const program = await loadProgram(ctx, programId);
  const row = await loadAutomationSettings(ctx.db, program.id);
  return present(ctx, program, row, at);
}

async function present(ctx: Ctx, program: Program, row: LifecycleSettings | null, at: Date): Promise<Automations> {
  const s = sections(row);
  const stats = await automationStats(ctx, program, s, at);
  return {
    programId: program.id,
    programKind: program.kind,
    currency: program.currency,
    welcome: { ...s.welcome, stats: stats.welcome },
    birthday: { ...s.birthday, stats: stats.birthday },
    referral: { ...s.referral, stats: stats.referral },
    winback: { ...s.winback, stats: stats.winback },
    updatedAt: row?.updatedAt ?? null,
  };
}

/** Switches a program's automations on or off and sets what they give; audited. */
export async function updateAutomations(ctx: Ctx, raw: AutomationsInput & { programId: string }): Promise<Automations> {
  assertCan(ctx.actor, "automations:write");
  const { programId, ...rest } = raw;
  const input = AutomationsInput.parse(rest);
  const id = EntityId.parse(programId);
  const saved = await withTransaction(ctx, async (tx) => {
    const program = await loadProgram(tx, id);
    if (input.birthday?.rewardId) {
      const [reward] = await tx.db
        .select({ id: rewards.id, active: rewards.active })
        .from(rewards)
        .where(and(eq(rewards.id, input.birthday.rewardId), eq(rewards.programId, program.id), eq(rewards.merchantId, ctx.merchantId)));
      if (!reward) throw new AppError("invalid", "The birthday reward must be a reward of this program.", { errors: [{ path: "birthday.rewardId", message: "not a reward of this program" }] });
    }
    const before = await loadAutomationSettings(tx.db, program.id);
    const values = {
      ...(input.welcome ? { welcomeEnabled: input.welcome.enabled, welcomeBonus: input.welcome.bonus } : {}),
      ...(input.birthday
        ? { birthdayEnabled: input.birthday.enabled, birthdayBonus: input.birthday.bonus, birthdayRewardId: input.birthday.rewardId, birthdayDaysBefore: input.birthday.daysBefore }
        : {}),
      ...(input.referral
        ? {
            referralEnabled: input.referral.enabled,
            referrerBonus: input.referral.referrerBonus,
            refereeBonus: input.referral.refereeBonus,
            referralMinPurchase: input.referral.minPurchase,
            referralMonthlyCap: input.referral.monthlyCap,
          }
        : {}),
      ...(input.winback ? { winbackEnabled: input.winback.enabled, winbackDays: input.winback.days, winbackBonus: input.winback.bonus } : {}),
      updatedAt: new Date(),
    };
    const [row] = await tx.db
      .insert(lifecycleSettings)
      .values({ programId: program.id, merchantId: ctx.merchantId, ...values })
      .onConflictDoUpdate({ target: lifecycleSettings.programId, set: values })
      .returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "automations.updated", { type: "program", id: program.id }, input);
    // The back of every pass tells what a referral brings: when that changes, the passes follow.
    const offer = (r: LifecycleSettings | null) => (r?.referralEnabled ? [r.referrerBonus, r.refereeBonus, r.referralMinPurchase].join() : "off");
    if (offer(before) !== offer(row!)) await recordEvents(tx.db, ctx.merchantId, [{ type: "program.changed", payload: { programId: program.id } }]);
    return { program, row: row! };
  });
  return present(ctx, saved.program, saved.row, new Date());
}
