import type { Metadata } from "next";
import Link from "next/link";
import { DataTable, type Column } from "@/components/data-table";
import { CardSection, EmptyState, PageHeader, formatNumber } from "@/components/ui";
import type { Segment } from "@/db/schema";
import { listLocations } from "@/lib/locations/verbs";
import { merchantOf } from "@/lib/merchants/verbs";
import { formatMoney } from "@/lib/money";
import { listPrograms } from "@/lib/programs/verbs";
import { FIELD_LABELS, type SegmentCondition } from "@/lib/segments/schema";
import { listTags } from "@/lib/segments/tags";
import { listSegments, storedDefinition, type SegmentCount } from "@/lib/segments/verbs";
import { requirePage } from "../../_server/session";
import { SegmentBuilder } from "./segment-builder";
import { DeleteSegment } from "./segment-controls";
import { TagImport } from "./tag-import";

export const metadata: Metadata = { title: "Segments" };

type Row = Segment & { count: SegmentCount | null };
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export default async function SegmentsPage({ searchParams }: { searchParams: Promise<{ edit?: string }> }) {
  const member = await requirePage("/dashboard/segments");
  const { edit } = await searchParams;
  const [segments, programs, locations, tags, merchant] = await Promise.all([
    listSegments(member.ctx, { withCounts: true }),
    listPrograms(member.ctx),
    listLocations(member.ctx),
    listTags(member.ctx),
    merchantOf(member.ctx),
  ]);
  const names = new Map([...programs, ...locations].map((x) => [x.id, x.name]));
  const tiers = [...new Set(programs.flatMap((p) => p.tiers?.levels.map((l) => l.name) ?? []))];
  const editing = segments.find((s) => s.id === edit) ?? null;
  const describe = (c: SegmentCondition) => describeCondition(c, merchant.currency, names);

  const columns: Column<Row>[] = [
    {
      id: "name",
      header: "Segment",
      cell: (s) => (
        <>
          <p className="font-medium">{s.name}</p>
          <p className="text-gray-600">{summary(storedDefinition(s), describe)}</p>
        </>
      ),
      sort: (s) => s.name,
      className: "min-w-[16rem]",
    },
    { id: "count", header: "Members now", cell: (s) => formatNumber(s.count?.cards ?? 0), sort: (s) => s.count?.cards ?? 0, className: "tabular-nums" },
    {
      id: "actions",
      header: "Actions",
      hideHeader: true,
      cell: (s) => (
        <span className="inline-flex items-start gap-2">
          <Link href={`/dashboard/segments?edit=${s.id}#builder`} className="rounded-lg px-4 py-2 text-sm font-medium text-gray-700 hover:bg-gray-100" aria-label={`Edit ${s.name}`}>
            Edit
          </Link>
          <DeleteSegment segmentId={s.id} name={s.name} />
        </span>
      ),
      className: "text-right",
    },
  ];

  return (
    <>
      <PageHeader title="Segments" description="Groups of members by what they do and who they are, always up to date. Campaigns and vouchers can target a saved segment." />
      <div className="space-y-6">
        <CardSection id="builder" title={editing ? `Edit “${editing.name}”` : "Build a segment"} description="The count updates as you change the conditions.">
          <SegmentBuilder
            key={editing?.id ?? "new"}
            currency={merchant.currency}
            programs={programs.map((p) => ({ id: p.id, name: p.name }))}
            locations={locations.map((l) => ({ id: l.id, name: l.name }))}
            tags={tags.map((t) => t.tag)}
            tiers={tiers}
            editing={editing ? { id: editing.id, name: editing.name, description: editing.description, definition: storedDefinition(editing) } : null}
          />
        </CardSection>

        <CardSection id="saved" title="Saved segments">
          <DataTable
            caption="Saved segments by name"
            columns={columns}
            rows={segments}
            rowKey={(s) => s.id}
            defaultSort={{ column: "name", direction: "ascending" }}
            empty={<EmptyState title="No segments yet">Build one above.</EmptyState>}
            inset
          />
        </CardSection>

        <CardSection id="tags" title="Customer tags" description={tags.length ? `In use: ${tags.map((t) => `${t.tag} (${formatNumber(t.customers)})`).join(", ")}` : "No tags yet."}>
          <TagImport />
        </CardSection>
      </div>
    </>
  );
}

function summary(definition: { match: "all" | "any"; conditions: SegmentCondition[] }, describe: (c: SegmentCondition) => string): string {
  if (definition.conditions.length === 0) return "Every active member";
  return definition.conditions.map(describe).join(definition.match === "all" ? " and " : " or ");
}

/** A condition in words, for the list. */
export function describeCondition(c: SegmentCondition, currency: string, names: Map<string, string>): string {
  const range = (min: number | undefined, max: number | undefined, f: (n: number) => string) =>
    min !== undefined && max !== undefined ? `${f(min)}–${f(max)}` : min !== undefined ? `at least ${f(min)}` : `at most ${f(max!)}`;
  const n = (x: number) => x.toLocaleString("en");
  switch (c.field) {
    case "tier":
      return `tier ${c.tiers.join(" or ")}`;
    case "balance":
      return `balance ${range(c.min, c.max, n)}`;
    case "lifetime_spend":
      return `spent ${range(c.min, c.max, (x) => formatMoney(x, currency))} in all`;
    case "visits":
      return `${range(c.min, c.max, n)} visits in ${c.days} days`;
    case "last_visit":
      return c.op === "within" ? `visited in the last ${c.days} days` : `no visit in ${c.days} days`;
    case "birthday_month":
      return `born in ${c.months.map((m) => MONTHS[m - 1]).join(", ")}`;
    case "location":
      return `visited ${c.locationIds.map((id) => names.get(id) ?? "a removed location").join(" or ")}`;
    case "program":
      return `in ${c.programIds.map((id) => names.get(id) ?? "a removed program").join(" or ")}`;
    case "tags":
      return `${c.op === "none" ? "none of" : c.op === "all" ? "all of" : "any of"} ${FIELD_LABELS.tags.toLowerCase()} ${c.tags.join(", ")}`;
  }
}
