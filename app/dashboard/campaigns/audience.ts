import type { Campaign } from "@/db/schema";
import { RFM_LABELS, type RfmGroup } from "@/lib/insights/rfm";

/** Who a campaign is for, in the words the campaign pages use. */
export function describeAudience(c: Campaign, segments: { id: string; name: string }[]): string {
  const a = c.audience;
  switch (a.kind) {
    case "everyone":
      return "Everyone";
    case "tier":
      return `${a.tier} tier`;
    case "inactive":
      return `No visit for ${a.days} days`;
    case "birthday_month":
      return "Birthday this month";
    case "segment":
      return `Segment: ${segments.find((s) => s.id === a.segmentId)?.name ?? "deleted"}`;
    case "rfm_group":
      return `RFM group: ${RFM_LABELS[a.group as RfmGroup]?.name ?? a.group}`;
  }
}
