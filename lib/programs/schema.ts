import { z } from "zod";
import { ExpiryPolicy } from "../ledger/expiry";
import { EarningRules } from "../rules/schema";
import { TierLadder } from "../tiers/schema";
import { PassDesign } from "./design";
import { Id, SafeText } from "../input";

// Intl.NumberFormat accepts any three letters (even "XYZ"); the runtime's list of currencies does not.
const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

const currency = z
  .string()
  .length(3)
  .toUpperCase()
  .refine((c) => CURRENCIES.has(c), "an ISO 4217 currency code");

const common = {
  name: SafeText.trim().min(1).max(80),
  currency: currency.optional().describe("Defaults to the merchant's currency."),
  rules: EarningRules.optional(),
  tiers: TierLadder.nullable().optional(),
  expiry: ExpiryPolicy.optional(),
  reminderDays: z.array(z.int().min(1).max(365)).max(5).optional(),
  design: PassDesign.optional(),
};

export const CreateProgramInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("points"), ...common }).strict(),
  z
    .object({
      kind: z.literal("stamps"),
      ...common,
      stampsRequired: z.int().min(2).max(50).default(10),
      stampRewardId: Id.optional(),
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
    stampsRequired: z.int().min(2).max(50).optional(),
    stampRewardId: Id.nullable().optional(),
  })
  .strict();
export type UpdateProgramInput = z.infer<typeof UpdateProgramInput>;
