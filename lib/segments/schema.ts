import { z } from "zod";
import { EntityId } from "../ids";
import { SafeText } from "../input";

/*
 * A segment is a rule over the merchant's active cards: every condition (match "all") or any of
 * them (match "any"). It is stored as this JSON, validated here on the way in and again when read,
 * and turned into SQL with bound parameters by lib/segments/sql.ts; no input is ever spliced into
 * the SQL text. A "visit" is a purchase or a scan that earned (an `earn` entry that was not reversed).
 */

/** A customer tag: lower-case letters, digits, -, _ and spaces inside; what the CSV import stores. */
export const Tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "a tag cannot be empty")
  .max(40, "a tag has at most 40 characters")
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u, "a tag has letters, digits, spaces, - and _ only");

const Count = z.int().min(0).max(1_000_000_000);
const Days = z.int().min(1).max(3650);

const Min = Count.optional().describe("At least this much (inclusive).");
const Max = Count.optional().describe("At most this much (inclusive).");

export const SegmentCondition = z.discriminatedUnion("field", [
  z
    .object({ field: z.literal("tier"), tiers: z.array(SafeText.trim().min(1).max(40)).min(1).max(20) })
    .strict()
    .describe("Cards in one of these tiers."),
  z
    .object({ field: z.literal("balance"), min: Min, max: Max })
    .strict()
    .describe("Current balance between min and max (points, stamps, or minor units of cashback)."),
  z
    .object({ field: z.literal("lifetime_spend"), min: Min, max: Max })
    .strict()
    .describe("Total of all purchases, in minor units of the business's currency."),
  z
    .object({ field: z.literal("visits"), days: Days, min: Min, max: Max })
    .strict()
    .describe("Number of visits in the last `days` days."),
  z
    .object({ field: z.literal("last_visit"), op: z.enum(["within", "not_within"]), days: Days })
    .strict()
    .describe("Last visit within the last `days` days, or not (never visited counts as not)."),
  z
    .object({ field: z.literal("birthday_month"), months: z.array(z.int().min(1).max(12)).min(1).max(12) })
    .strict()
    .describe("Customers born in one of these months (1 = January)."),
  z
    .object({ field: z.literal("location"), locationIds: z.array(EntityId).min(1).max(50) })
    .strict()
    .describe("Cards that have visited one of these locations."),
  z
    .object({ field: z.literal("program"), programIds: z.array(EntityId).min(1).max(50) })
    .strict()
    .describe("Cards of one of these programs."),
  z
    .object({ field: z.literal("tags"), op: z.enum(["any", "all", "none"]), tags: z.array(Tag).min(1).max(20) })
    .strict()
    .describe("Customers with any, all, or none of these tags."),
]);
export type SegmentCondition = z.infer<typeof SegmentCondition>;
export type SegmentField = SegmentCondition["field"];

export const SegmentDefinition = z
  .object({
    match: z.enum(["all", "any"]).default("all").describe("Every condition must hold (all), or at least one (any)."),
    conditions: z.array(SegmentCondition).max(20).describe("No conditions: every active card."),
  })
  .strict()
  .superRefine((d, issue) => {
    d.conditions.forEach((c, i) => {
      if (c.field !== "balance" && c.field !== "lifetime_spend" && c.field !== "visits") return;
      if (c.min === undefined && c.max === undefined) issue.addIssue({ code: "custom", message: "give a minimum, a maximum or both", path: ["conditions", i, "min"] });
      if (c.min !== undefined && c.max !== undefined && c.min > c.max) issue.addIssue({ code: "custom", message: "the minimum is above the maximum", path: ["conditions", i, "max"] });
    });
  });
export type SegmentDefinition = z.output<typeof SegmentDefinition>;

export const SegmentInput = z
  .object({
    name: SafeText.trim().min(1).max(80),
    description: SafeText.trim().max(300).nullable().optional(),
    definition: SegmentDefinition,
  })
  .strict();
export type SegmentInput = z.input<typeof SegmentInput>;

export const SegmentPatch = SegmentInput.partial().strict();

export const SegmentPreviewInput = z
  .object({
    definition: SegmentDefinition,
    programId: EntityId.optional().describe("Count only this program's cards (what a campaign on it would reach)."),
  })
  .strict();

export const FIELD_LABELS: Record<SegmentField, string> = {
  tier: "Tier",
  balance: "Balance",
  lifetime_spend: "Lifetime spend",
  visits: "Visits in the last N days",
  last_visit: "Last visit",
  birthday_month: "Birthday month",
  location: "Visited a location",
  program: "Program",
  tags: "Tags",
};
