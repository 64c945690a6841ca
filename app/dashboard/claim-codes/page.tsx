import type { Metadata } from "next";
import Link from "next/link";
import { DateCell, NumberCell } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { CardSection, EmptyState, PageHeader } from "@/components/ui";
import { claimValueLabel, listClaimBatches, type BatchSummary } from "@/lib/claims/batches";
import { merchantOf } from "@/lib/merchants/verbs";
import { listPrograms } from "@/lib/programs/verbs";
import { requirePage } from "../../_server/session";
import { ClaimBatchForm } from "./batch-form";

export const metadata: Metadata = { title: "Claim codes" };

const columns = (tz: string): Column<BatchSummary>[] => [
  {
    id: "name",
    header: "Batch",
    cell: (b) => (
      <>
        <Link href={`/dashboard/claim-codes/${b.batch.id}`} className="font-medium text-brand-800 underline-offset-2 hover:underline">
          {b.batch.name}
        </Link>
        <div className="text-xs text-gray-600">{b.program.name}</div>
      </>
    ),
  },
  { id: "value", header: "Each code", cell: (b) => claimValueLabel(b.program, b.batch.value) },
  { id: "codes", header: "Codes", align: "right", cell: (b) => <NumberCell value={b.batch.quantity} /> },
  { id: "claimed", header: "Claimed", align: "right", cell: (b) => <NumberCell value={b.claimed} /> },
  { id: "given", header: "Given", align: "right", cell: (b) => claimValueLabel(b.program, b.given) },
  { id: "ends", header: "Last day", cell: (b) => (b.batch.expiresAt ? <DateCell value={new Date(b.batch.expiresAt.getTime() - 1)} timeZone={tz} show="date" /> : "no end") },
  {
    id: "print",
    header: "Downloads",
    cell: (b) => (
      <span className="flex gap-3 text-sm">
        <a className="text-brand-800 underline" href={`/dashboard/claim-codes/${b.batch.id}/sheet.pdf`}>
          PDF<span className="sr-only"> labels of {b.batch.name}</span>
        </a>
        <a className="text-brand-800 underline" href={`/dashboard/claim-codes/${b.batch.id}/codes.csv`}>
          CSV<span className="sr-only"> of {b.batch.name}</span>
        </a>
      </span>
    ),
  },
];

export default async function ClaimCodesPage() {
  const member = await requirePage("/dashboard/claim-codes");
  const [batches, programs, merchant] = await Promise.all([listClaimBatches(member.ctx), listPrograms(member.ctx), merchantOf(member.ctx)]);
  const eligible = programs.filter((p) => p.status === "active" && p.kind !== "stamps").map((p) => ({ id: p.id, name: p.name, kind: p.kind as "points" | "cashback", currency: p.currency }));
  return (
    <>
      <PageHeader
        title="Claim codes"
        description="Single-use QR codes to print on products, receipts or flyers. A customer scans one with the phone camera and the points (or cashback) land on their card, once."
      />
      <DataTable
        caption="Batches of claim codes, newest first"
        columns={columns(merchant.timezone)}
        rows={batches}
        rowKey={(b) => b.batch.id}
        empty={<EmptyState title="No claim codes yet">Make a batch below, then download the sheet of labels.</EmptyState>}
      />
      <CardSection id="new-batch" title="New batch" className="mt-6">
        {eligible.length ? <ClaimBatchForm programs={eligible} /> : <p className="text-sm text-gray-600">Claim codes give points or cashback: create an active points or cashback program first.</p>}
      </CardSection>
    </>
  );
}
