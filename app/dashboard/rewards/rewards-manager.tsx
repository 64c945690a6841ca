"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, Badge, Button, EmptyState, Field, Input, Select } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { createRewardAction, updateRewardAction } from "../programs/actions";

type RewardRow = { id: string; programId: string; programName: string; name: string; description: string | null; cost: number; inventory: number | null; active: boolean };

export function RewardsManager({ programs, rewards, canEdit, title }: { programs: { id: string; name: string; kind: string }[]; rewards: RewardRow[]; canEdit: boolean; title: string }) {
  const router = useRouter();
  const create = useAction(createRewardAction);
  const update = useAction(updateRewardAction);
  const [form, setForm] = useState({ programId: programs[0]?.id ?? "", name: "", cost: "", inventory: "" });
  const unit = (programId: string) => (programs.find((p) => p.id === programId)?.kind === "stamps" ? "stamps" : "points");

  return (
    <section className="space-y-4 rounded-xl border border-gray-200 bg-white p-5 shadow-sm" aria-labelledby="rewards-title">
      <h2 id="rewards-title" className="font-semibold">
        {title}
      </h2>
      {rewards.length === 0 ? (
        <EmptyState title="No rewards yet">Add one customers can spend their points on, like a free coffee.</EmptyState>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead>
              <tr className="border-b border-gray-200 text-left text-gray-600">
                <th className="py-2 pr-3 font-medium">Reward</th>
                {programs.length > 1 ? <th className="py-2 pr-3 font-medium">Program</th> : null}
                <th className="py-2 pr-3 font-medium">Cost</th>
                <th className="py-2 pr-3 font-medium">Stock</th>
                <th className="py-2 pr-3 font-medium">Status</th>
                {canEdit ? <th className="py-2 font-medium"><span className="sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {rewards.map((r) => (
                <tr key={r.id} className="border-b border-gray-100">
                  <td className="py-2 pr-3 font-medium">{r.name}</td>
                  {programs.length > 1 ? <td className="py-2 pr-3">{r.programName}</td> : null}
                  <td className="py-2 pr-3 tabular-nums">
                    {r.cost.toLocaleString("en-US")} {unit(r.programId)}
                  </td>
                  <td className="py-2 pr-3">
                    {canEdit ? (
                      <StockInput
                        reward={r}
                        onSave={async (inventory) => {
                          const res = await update.run({ rewardId: r.id, patch: { inventory } });
                          if (res.ok) router.refresh();
                        }}
                      />
                    ) : r.inventory === null ? (
                      "Unlimited"
                    ) : (
                      r.inventory
                    )}
                  </td>
                  <td className="py-2 pr-3">{r.active ? r.inventory === 0 ? <Badge tone="red">Out of stock</Badge> : <Badge tone="green">Offered</Badge> : <Badge>Hidden</Badge>}</td>
                  {canEdit ? (
                    <td className="py-2 text-right">
                      <Button
                        variant="ghost"
                        disabled={update.pending}
                        onClick={async () => {
                          const res = await update.run({ rewardId: r.id, patch: { active: !r.active } });
                          if (res.ok) router.refresh();
                        }}
                      >
                        {r.active ? "Hide" : "Offer again"}
                      </Button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {update.error ? <Alert>{update.error}</Alert> : null}
      {canEdit && programs.length > 0 ? (
        <form
          className="grid items-end gap-3 border-t border-gray-200 pt-4 sm:grid-cols-[repeat(4,minmax(0,1fr))_auto]"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            const res = await create.run({
              programId: form.programId,
              name: form.name,
              cost: Number(form.cost),
              inventory: form.inventory.trim() === "" ? null : Number(form.inventory),
            });
            if (res.ok) {
              setForm({ ...form, name: "", cost: "", inventory: "" });
              router.refresh();
            }
          }}
        >
          {programs.length > 1 ? (
            <Field label="Program" htmlFor="rw-program">
              <Select id="rw-program" value={form.programId} onChange={(e) => setForm({ ...form, programId: e.target.value })}>
                {programs.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </Select>
            </Field>
          ) : null}
          <Field label="New reward" htmlFor="rw-name" error={create.fieldErrors.name}>
            <Input id="rw-name" value={form.name} maxLength={80} placeholder="Free coffee" onChange={(e) => setForm({ ...form, name: e.target.value })} aria-invalid={Boolean(create.fieldErrors.name)} />
          </Field>
          <Field label={`Cost (${unit(form.programId)})`} htmlFor="rw-cost" error={create.fieldErrors.cost}>
            <Input id="rw-cost" type="number" min={1} value={form.cost} onChange={(e) => setForm({ ...form, cost: e.target.value })} aria-invalid={Boolean(create.fieldErrors.cost)} />
          </Field>
          <Field label="Stock" htmlFor="rw-stock" hint="Empty: unlimited" error={create.fieldErrors.inventory}>
            <Input id="rw-stock" type="number" min={0} value={form.inventory} onChange={(e) => setForm({ ...form, inventory: e.target.value })} />
          </Field>
          <Button type="submit" disabled={create.pending}>
            {create.pending ? "Adding…" : "Add reward"}
          </Button>
          {create.error && !Object.keys(create.fieldErrors).length ? (
            <div className="sm:col-span-5">
              <Alert>{create.error}</Alert>
            </div>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}

function StockInput({ reward, onSave }: { reward: RewardRow; onSave: (inventory: number | null) => Promise<void> }) {
  const [value, setValue] = useState(reward.inventory === null ? "" : String(reward.inventory));
  const dirty = value !== (reward.inventory === null ? "" : String(reward.inventory));
  return (
    <form
      className="flex items-center gap-1"
      onSubmit={async (e) => {
        e.preventDefault();
        await onSave(value.trim() === "" ? null : Math.max(0, Math.floor(Number(value))));
      }}
    >
      <Input aria-label={`Stock of ${reward.name}`} type="number" min={0} placeholder="Unlimited" value={value} onChange={(e) => setValue(e.target.value)} className="w-28" />
      {dirty ? (
        <Button type="submit" variant="secondary" className="px-2 py-1">
          Save
        </Button>
      ) : null}
    </form>
  );
}
