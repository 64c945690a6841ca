import { z } from "zod";
import type { Campaign, Segment } from "@/db/schema";
import type { CampaignResults } from "@/lib/campaigns/results";
import { CampaignAnnouncement, CampaignAudience, CampaignEffect } from "@/lib/campaigns/verbs";
import { SegmentDefinition } from "@/lib/segments/schema";
import type { SegmentCount } from "@/lib/segments/verbs";

// Response shapes of segments and campaigns, and their serializers (the OpenAPI document shows them).

const Count = z.object({ cards: z.int(), customers: z.int() });

export const SegmentOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  definition: SegmentDefinition,
  count: Count.nullable().describe("Active cards and customers in it now (null in lists)."),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export function presentSegment(s: Segment & { count?: SegmentCount | null }): z.output<typeof SegmentOut> {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    definition: SegmentDefinition.parse(s.definition),
    count: s.count ?? null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export const SegmentPreviewOut = Count.extend({
  sample: z.array(z.object({ cardId: z.string(), programId: z.string(), tier: z.string().nullable(), balance: z.int(), lastActivityAt: z.iso.datetime() })).describe("Up to ten of its cards, most recently active first."),
});

export const CampaignOut = z.object({
  id: z.string(),
  programId: z.string(),
  name: z.string(),
  status: z.enum(["draft", "scheduled", "active", "ended", "cancelled"]),
  audience: CampaignAudience,
  effect: CampaignEffect,
  announcement: CampaignAnnouncement.nullable(),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  budget: z.int().nullable(),
  spent: z.int(),
  holdoutPercent: z.int(),
  activatedAt: z.iso.datetime().nullable(),
  endedAt: z.iso.datetime().nullable(),
  cancelledAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const isoOrNull = (d: Date | null) => d?.toISOString() ?? null;

export function presentCampaign(c: Campaign): z.output<typeof CampaignOut> {
  return {
    id: c.id,
    programId: c.programId,
    name: c.name,
    status: c.status,
    audience: c.audience as z.output<typeof CampaignAudience>,
    effect: c.effect,
    announcement: c.announcement,
    startsAt: c.startsAt.toISOString(),
    endsAt: c.endsAt.toISOString(),
    budget: c.budget,
    spent: c.spent,
    holdoutPercent: c.holdoutPercent,
    activatedAt: isoOrNull(c.activatedAt),
    endedAt: isoOrNull(c.endedAt),
    cancelledAt: isoOrNull(c.cancelledAt),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

const Metric = z.object({
  key: z.enum(["visits", "spend", "points", "cost"]),
  label: z.string(),
  unit: z.enum(["count", "money", "points"]).describe("money: minor units of `currency`; points: the program's unit."),
  treated: z.number().describe("Mean per treated member."),
  holdout: z.number().describe("Mean per held-out member."),
  difference: z.number().describe("treated − holdout."),
  low: z.number().nullable().describe("Lower end of the 95 % confidence interval of the difference (Welch, normal approximation)."),
  high: z.number().nullable(),
});

export const CampaignResultsOut = z.object({
  campaignId: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  participants: z.int(),
  pointsIssued: z.int(),
  bonusPoints: z.int(),
  redemptions: z.int(),
  redemptionsBefore: z.int(),
  comparison: z
    .object({
      holdoutPercent: z.int(),
      treatedMembers: z.int(),
      holdoutMembers: z.int(),
      currency: z.string(),
      metrics: z.array(Metric),
      daily: z.array(z.object({ day: z.iso.date(), treated: z.number(), holdout: z.number() })).describe("Cumulative visits per member, day by day."),
    })
    .nullable()
    .describe("Treated members against the holdout; null without a holdout or before the start."),
});

export function presentResults(r: CampaignResults): z.output<typeof CampaignResultsOut> {
  return r;
}
