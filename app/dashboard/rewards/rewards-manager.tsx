"use client";

import { useState } from "react";
import { StatusBadge } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { ActionButton, FormMessages, SubmitButton } from "@/components/form";
import { Button, EmptyState, Input } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { updateRewardAction } from "../programs/actions";
import { RewardForm, unitOf, type PartnerOption, type ProgramOption } from "./reward-form";
import type { RewardRow } from "./rows";

const status = (r: RewardRow) => (!r.active ? "hidden" : r.inventory === 0 ? "out_of_stock" : "offered");
const STATUS_LABEL = { hidden: "Hidden", out_of_stock: "Out of stock", offered: "Offered" };

function rewardColumns(programs: ProgramOption[], canEdit: boolean, edit: (r: RewardRow) => void): Column<RewardRow>[] {
  return [
    {
      id: "reward",
      header: "Reward",
      cell: (r) => (
        <span className="flex items-center gap-2">
          {r.imagePath ? (
            // eslint-disable-next-line @next/next/no-img-element -- a small thumbnail served by hash
            <img src={r.imagePath} alt="" width={32} height={32} className="size-8 shrink-0 rounded-md object-cover" />
          ) : null}
          <span className="font-medium">{r.name}</span>
        </span>
      ),
      sort: (r) => r.name,
    },
    ...(programs.length > 1 ? [{ id: "program", header: "Program", cell: (r: RewardRow) => r.programName, sort: (r: RewardRow) => r.programName }] : []),
    { id: "cost", header: "Cost", align: "right", cell: (r) => `${r.cost.toLocaleString("en-US")} ${unitOf(programs, r.programId)}`, sort: (r) => r.cost, className: "whitespace-nowrap" },
    { id: "stock", header: "Stock", cell: (r) => (canEdit ? <StockInput reward={r} /> : r.inventory === null ? "Unlimited" : r.inventory), sort: (r) => r.inventory ?? Infinity },
    { id: "limits", header: "Who and when", cell: (r) => r.limits ?? <span className="text-gray-500">Everyone, any time</span>, sort: (r) => r.limits ?? "" },
    { id: "status", header: "Status", cell: (r) => <StatusBadge status={status(r)} label={STATUS_LABEL[status(r)]} />, sort: (r) => STATUS_LABEL[status(r)] },
    ...(canEdit
      ? [
          {
            id: "actions",
            header: "Actions",
            hideHeader: true,
            cell: (r: RewardRow) => (
              <span className="flex justify-end gap-2">
                <Button type="button" variant="secondary" className="px-2 py-1" onClick={() => edit(r)} aria-label={`Edit ${r.name}`}>
                  Edit
                </Button>
                <ActionButton action={updateRewardAction} input={{ rewardId: r.id, patch: { active: !r.active } }}>
                  {r.active ? "Hide" : "Offer again"}
                </ActionButton>
              </span>
            ),
            className: "text-right",
          },
        ]
      : []),
  ];
}

export function RewardsManager({
  programs,
  partners = [],
  rewards,
  canEdit,
  title,
}: {
  programs: ProgramOption[];
  partners?: PartnerOption[];
  rewards: RewardRow[];
  canEdit: boolean;
  title: string;
}) {
  const [editing, setEditing] = useState<RewardRow | null>(null);
  return (
    <section className="space-y-4 rounded-xl border border-gray-200 bg-white p-5 shadow-sm" aria-labelledby="rewards-title">
      <h2 id="rewards-title" className="font-semibold">
        {title}
      </h2>
      <DataTable
        caption="Rewards with their cost, stock, who may redeem them and when, and status"
        columns={rewardColumns(programs, canEdit, setEditing)}
        rows={rewards}
        rowKey={(r) => r.id}
        empty={<EmptyState title="No rewards yet">Add one customers can spend their points on, like a free coffee.</EmptyState>}
        inset
      />
      {canEdit && programs.length > 0 ? <RewardForm key={editing?.id ?? "new"} programs={programs} partners={partners} editing={editing} onDone={() => setEditing(null)} /> : null}
    </section>
  );
}

/** The stock of a reward, saved when changed; empty means unlimited. */
function StockInput({ reward }: { reward: RewardRow }) {
  const saved = reward.inventory === null ? "" : String(reward.inventory);
  const [value, setValue] = useState(saved);
  const update = useAction(updateRewardAction, { refresh: true });
  return (
    <form
      className="flex items-center gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        update.run({ rewardId: reward.id, patch: { inventory: value.trim() === "" ? null : Math.max(0, Math.floor(Number(value))) } });
      }}
    >
      <Input aria-label={`Stock of ${reward.name}`} type="number" min={0} placeholder="Unlimited" value={value} onChange={(e) => setValue(e.target.value)} className="w-28" />
      {value !== saved ? (
        <SubmitButton pending={update.pending} variant="secondary" className="px-2 py-1">
          Save
        </SubmitButton>
      ) : null}
      {update.error ? <FormMessages error={update.error} /> : null}
    </form>
  );
}
