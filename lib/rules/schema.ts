import { z } from "zod";
import { EntityId } from "../ids";
import { SafeText } from "../input";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "time as HH:MM");

export const Multiplier = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("schedule"),
    label: SafeText.max(80).optional(),
    // 0 = Sunday … 6 = Saturday, in the merchant's time zone.
    weekdays: z.array(z.int().min(0).max(6)).min(1).max(7),
    from: hhmm.optional(),
    to: hhmm.optional(),
    factor: z.number().positive().max(100),
  }),
  z.object({
    kind: z.literal("location"),
    label: SafeText.max(80).optional(),
    locationIds: z.array(EntityId).min(1),
    factor: z.number().positive().max(100),
  }),
]);

export const EarningRules = z
  .object({
    // amount: points per whole currency unit; visit: points per visit; percent: cashback in minor units.
    basis: z.enum(["amount", "visit", "percent"]).default("amount"),
    rate: z.number().positive().max(1_000_000).default(1),
    minSpend: z.int().min(0).default(0),
    multipliers: z.array(Multiplier).max(50).default([]),
    capPerTransaction: z.int().positive().nullable().default(null),
    capPerDay: z.int().positive().nullable().default(null),
    rounding: z.enum(["floor", "round", "ceil"]).default("floor"),
  })
  .strict();

export type EarningRules = z.infer<typeof EarningRules>;
export type EarningRulesInput = z.input<typeof EarningRules>;
export type Multiplier = z.infer<typeof Multiplier>;
