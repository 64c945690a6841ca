import { z } from "zod";
import { EntityId } from "../ids";
import { ExpiryPolicy } from "../expiry/policy";
import { CurrencyCode } from "../money";
import { EarningRules } from "../rules/schema";
import { TierLadder } from "../tiers/schema";
import { PassDesign } from "./design";
import { SafeText } from "../input";

const common = {
  name: SafeText.trim().min(1).max(80),
  currency: CurrencyCode.optional().describe("Defaults to the merchant's currency."),
  rules: EarningRules.optional(),
  tiers: TierLadder.nullable().optional(),
  expiry: ExpiryPolicy.optional(),
  reminderDays: z.array(z.int().min(1).max(365)).max(5).optional(),
  design: PassDesign.optional(),
  endsAt: z.iso.datetime({ offset: true }).nullable().optional().describe("When the program ends (ISO 8601); its wallet passes expire then. null: it runs on."),
};

export const CreateProgramInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("points"), ...common }).strict(),
  z
    .object({
      kind: z.literal("stamps"),
      ...common,
      stampsRequired: z.int().min(2).max(50).default(10),
      stampRewardId: EntityId.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal("cashback"),
      ...common,
      cashbackPercent: z.number().positive().max(100).optional().describe("Shortcut for rules {basis: percent, rate}."),
    })
    .strict(),
]);
export type CreateProgramInput = z.infer<typeof CreateProgramInput>;

export const UpdateProgramInput = z
  .object({
    name: common.name.optional(),
    status: z.enum(["active", "paused", "archived"]).optional(),
    rules: EarningRules.optional(),
    tiers: TierLadder.nullable().optional(),
    expiry: ExpiryPolicy.optional(),
    reminderDays: common.reminderDays,
    design: PassDesign.optional(),
    endsAt: common.endsAt,
    stampsRequired: z.int().min(2).max(50).optional(),
    stampRewardId: EntityId.nullable().optional(),
  })
  .strict();
export type UpdateProgramInput = z.infer<typeof UpdateProgramInput>;

export type ProgramKind = CreateProgramInput["kind"];

/**
 * What a program's editor holds: every setting in its parsed shape (the schemas' outputs, defaults
 * filled in), so a form and a stored program are the same type.
 */
export type ProgramSettings = {
  name: string;
  kind: ProgramKind;
  currency: string;
  rules: z.output<typeof EarningRules>;
  tiers: z.output<typeof TierLadder> | null;
  expiry: z.output<typeof ExpiryPolicy>;
  stampsRequired: number | null;
  reminderDays: number[];
  design: z.output<typeof PassDesign>;
  /** ISO 8601, or null when the program runs on. */
  endsAt: string | null;
};
