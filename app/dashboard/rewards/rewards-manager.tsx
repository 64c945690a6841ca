"use client";

import { useState } from "react";
import { StatusBadge } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";
import { ActionButton, FormMessages, SubmitButton } from "@/components/form";
import { EmptyState, Field, Input, Select, byName } from "@/components/ui";
import { useAction, useFormAction } from "@/components/use-action";
import { createRewardAction, updateRewardAction } from "../programs/actions";

type RewardRow = { id: string; programId: string; programName: string; name: string; description: string | null; cost: number; inventory: number | null; active: boolean };
type ProgramOption = { id: string; name: string; kind: string };

const unitOf = (programs: ProgramOption[], programId: string) => (programs.find((p) => p.id === programId)?.kind === "stamps" ? "stamps" : "points");
const status = (r: RewardRow) => (!r.active ? "hidden" : r.inventory === 0 ? "out_of_stock" : "offered");
const STATUS_LABEL = { hidden: "Hidden", out_of_stock: "Out of stock", offered: "Offered" };

function rewardColumns(programs: ProgramOption[], canEdit: boolean): Column<RewardRow>[] {
  return [
    { id: "reward", header: "Reward", cell: (r) => <span className="font-medium">{r.name}</span>, sort: (r) => r.name },
    ...(programs.length > 1 ? [{ id: "program", header: "Program", cell: (r: RewardRow) => r.programName, sort: (r: RewardRow) => r.programName }] : []),
    { id: "cost", header: "Cost", align: "right", cell: (r) => `${r.cost.toLocaleString("en-US")} ${unitOf(programs, r.programId)}`, sort: (r) => r.cost, className: "whitespace-nowrap" },
    { id: "stock", header: "Stock", cell: (r) => (canEdit ? <StockInput reward={r} /> : r.inventory === null ? "Unlimited" : r.inventory), sort: (r) => r.inventory ?? Infinity },
    { id: "status", header: "Status", cell: (r) => <StatusBadge status={status(r)} label={STATUS_LABEL[status(r)]} />, sort: (r) => STATUS_LABEL[status(r)] },
    ...(canEdit
      ? [
          {
            id: "actions",
            header: "Actions",
            hideHeader: true,
            cell: (r: RewardRow) => (
              <ActionButton action={updateRewardAction} input={{ rewardId: r.id, patch: { active: !r.active } }}>
                {r.active ? "Hide" : "Offer again"}
              </ActionButton>
            ),
            className: "text-right",
          },
        ]
      : []),
  ];
}

export function RewardsManager({ programs, rewards, canEdit, title }: { programs: ProgramOption[]; rewards: RewardRow[]; canEdit: boolean; title: string }) {
  const [programId, setProgramId] = useState(programs[0]?.id ?? "");
  const create = useFormAction(createRewardAction, {
    input: (d) => {
      const stock = String(d.get("inventory") ?? "").trim();
      return { programId, name: String(d.get("name") ?? ""), cost: Number(d.get("cost")), inventory: stock === "" ? null : Number(stock) };
    },
  });

  return (
    <section className="space-y-4 rounded-xl border border-gray-200 bg-white p-5 shadow-sm" aria-labelledby="rewards-title">
      <h2 id="rewards-title" className="font-semibold">
        {title}
      </h2>
      <DataTable
        caption="Rewards with their cost, stock and status"
        columns={rewardColumns(programs, canEdit)}
        rows={rewards}
        rowKey={(r) => r.id}
        empty={<EmptyState title="No rewards yet">Add one customers can spend their points on, like a free coffee.</EmptyState>}
        inset
      />
      {canEdit && programs.length > 0 ? (
        <form className="grid items-end gap-3 border-t border-gray-200 pt-4 sm:grid-cols-[repeat(4,minmax(0,1fr))_auto]" noValidate onSubmit={create.onSubmit}>
          {programs.length > 1 ? (
            <Field label="Program" htmlFor="rw-program">
              <Select id="rw-program" value={programId} onChange={(e) => setProgramId(e.target.value)} options={byName(programs)} />
            </Field>
          ) : null}
          <Field label="New reward" htmlFor="rw-name" error={create.fieldErrors.name}>
            <Input id="rw-name" name="name" maxLength={80} placeholder="Free coffee" aria-invalid={Boolean(create.fieldErrors.name)} />
          </Field>
          <Field label={`Cost (${unitOf(programs, programId)})`} htmlFor="rw-cost" error={create.fieldErrors.cost}>
            <Input id="rw-cost" name="cost" type="number" min={1} aria-invalid={Boolean(create.fieldErrors.cost)} />
          </Field>
          <Field label="Stock" htmlFor="rw-stock" hint="Empty: unlimited" error={create.fieldErrors.inventory}>
            <Input id="rw-stock" name="inventory" type="number" min={0} />
          </Field>
          <SubmitButton pending={create.pending} pendingLabel="Adding…">
            Add reward
          </SubmitButton>
          <FormMessages className="sm:col-span-5" error={create.formError} />
        </form>
      ) : null}
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
