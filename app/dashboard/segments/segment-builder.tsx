"use client";

import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { FormMessages, SubmitButton } from "@/components/form";
import { Button, Field, Input, Select, formatNumber } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { formatDecimal, inputStep, parseAmount } from "@/lib/money";
import { FIELD_LABELS, type SegmentCondition, type SegmentDefinition, type SegmentField } from "@/lib/segments/schema";
import { createSegmentAction, previewSegmentAction, updateSegmentAction } from "./actions";

type Option = { id: string; name: string };
type Row = { key: number; field: SegmentField; op: string; a: string; b: string; days: string; picks: string[]; text: string };

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const FIELDS = Object.keys(FIELD_LABELS) as SegmentField[];
let nextKey = 1;

function blank(field: SegmentField): Row {
  const op = field === "last_visit" ? "within" : field === "tags" ? "any" : "";
  return { key: nextKey++, field, op, a: "", b: "", days: field === "visits" || field === "last_visit" ? "30" : "", picks: [], text: "" };
}

/** A stored condition back into the builder's row. */
function toRow(c: SegmentCondition, currency: string): Row {
  const row = blank(c.field);
  const money = (n: number | undefined) => (n === undefined ? "" : formatDecimal(n, currency));
  const count = (n: number | undefined) => (n === undefined ? "" : String(n));
  switch (c.field) {
    case "tier":
      return { ...row, text: c.tiers.join(", ") };
    case "balance":
      return { ...row, a: count(c.min), b: count(c.max) };
    case "lifetime_spend":
      return { ...row, a: money(c.min), b: money(c.max) };
    case "visits":
      return { ...row, a: count(c.min), b: count(c.max), days: String(c.days) };
    case "last_visit":
      return { ...row, op: c.op, days: String(c.days) };
    case "birthday_month":
      return { ...row, picks: c.months.map(String) };
    case "location":
      return { ...row, picks: c.locationIds };
    case "program":
      return { ...row, picks: c.programIds };
    case "tags":
      return { ...row, op: c.op, text: c.tags.join(", ") };
  }
}

const list = (text: string) =>
  text
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);

/** The builder's row as a condition, or the reason it is not one yet. */
function toCondition(r: Row, currency: string): SegmentCondition | string {
  const num = (s: string) => (s.trim() === "" ? undefined : Number(s));
  const money = (s: string) => (s.trim() === "" ? undefined : (parseAmount(s, currency) ?? Number.NaN));
  const bad = (n: number | undefined) => n !== undefined && (!Number.isInteger(n) || n < 0);
  switch (r.field) {
    case "tier":
      return list(r.text).length ? { field: "tier", tiers: list(r.text) } : "name at least one tier";
    case "balance":
    case "visits": {
      const min = num(r.a);
      const max = num(r.b);
      if (bad(min) || bad(max)) return "use whole numbers";
      if (min === undefined && max === undefined) return "give a minimum, a maximum or both";
      if (r.field === "balance") return { field: "balance", min, max };
      const days = Number(r.days);
      if (!Number.isInteger(days) || days < 1) return "give the number of days";
      return { field: "visits", days, min, max };
    }
    case "lifetime_spend": {
      const min = money(r.a);
      const max = money(r.b);
      if (bad(min) || bad(max)) return `amounts in ${currency}`;
      if (min === undefined && max === undefined) return "give a minimum, a maximum or both";
      return { field: "lifetime_spend", min, max };
    }
    case "last_visit": {
      const days = Number(r.days);
      if (!Number.isInteger(days) || days < 1) return "give the number of days";
      return { field: "last_visit", op: r.op as "within" | "not_within", days };
    }
    case "birthday_month":
      return r.picks.length ? { field: "birthday_month", months: r.picks.map(Number) } : "pick at least one month";
    case "location":
      return r.picks.length ? { field: "location", locationIds: r.picks } : "pick at least one location";
    case "program":
      return r.picks.length ? { field: "program", programIds: r.picks } : "pick at least one program";
    case "tags":
      return list(r.text).length ? { field: "tags", op: r.op as "any" | "all" | "none", tags: list(r.text).map((t) => t.toLowerCase()) } : "name at least one tag";
  }
}

export function SegmentBuilder({
  currency,
  programs,
  locations,
  tags,
  tiers,
  editing,
}: {
  currency: string;
  programs: Option[];
  locations: Option[];
  tags: string[];
  tiers: string[];
  editing: { id: string; name: string; description: string | null; definition: SegmentDefinition } | null;
}) {
  const router = useRouter();
  const [name, setName] = useState(editing?.name ?? "");
  const [match, setMatch] = useState<"all" | "any">(editing?.definition.match ?? "all");
  const [rows, setRows] = useState<Row[]>(() => editing?.definition.conditions.map((c) => toRow(c, currency)) ?? [blank("visits")]);
  const [adding, setAdding] = useState<SegmentField>("tags");
  const [count, setCount] = useState<{ cards: number; customers: number } | null>(null);
  const [counting, setCounting] = useState(false);
  const [countError, setCountError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const create = useAction(createSegmentAction, { refresh: true });
  const change = useAction(updateSegmentAction, { refresh: true });
  const save = editing ? change : create;

  const built = useMemo(() => rows.map((r) => toCondition(r, currency)), [rows, currency]);
  const problems = built.map((c) => (typeof c === "string" ? c : null));
  const complete = problems.every((p) => p === null);
  const definition: SegmentDefinition | null = complete ? { match, conditions: built as SegmentCondition[] } : null;
  const key = definition ? JSON.stringify(definition) : null;

  // The live count: a moment after the rule stops changing.
  useEffect(() => {
    if (!key) return;
    let live = true;
    const timer = setTimeout(async () => {
      setCounting(true);
      const result = await previewSegmentAction({ definition: JSON.parse(key) as SegmentDefinition });
      if (!live) return;
      setCounting(false);
      setCountError(result.ok ? null : result.error);
      if (result.ok) setCount(result.data);
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);

  const update = (k: number, patch: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === k ? { ...r, ...patch } : r)));
  const toggle = (r: Row, value: string) => update(r.key, { picks: r.picks.includes(value) ? r.picks.filter((p) => p !== value) : [...r.picks, value] });

  const onSubmit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!definition) return;
    const result = editing ? await change.run({ segmentId: editing.id, name, definition }) : await create.run({ name, definition });
    if (result.ok) {
      setSaved(name);
      if (editing) router.push("/dashboard/segments");
      else {
        setName("");
        setRows([blank("visits")]);
      }
    }
  };

  return (
    <form noValidate className="space-y-5" onSubmit={onSubmit}>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Segment name" htmlFor="s-name" error={save.fieldErrors.name}>
          <Input id="s-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} placeholder="Regulars who slowed down" />
        </Field>
        <Field label="Members match" htmlFor="s-match">
          <Select id="s-match" value={match} onChange={(e) => setMatch(e.target.value as "all" | "any")}>
            <option value="all">every condition</option>
            <option value="any">any condition</option>
          </Select>
        </Field>
      </div>

      <fieldset className="space-y-3">
        <legend className="mb-1 text-sm font-semibold">Conditions</legend>
        {rows.length === 0 ? <p className="text-sm text-gray-600">No conditions: every active member.</p> : null}
        <ol className="space-y-3">
          {rows.map((r, i) => (
            <li key={r.key} className="rounded-lg border border-gray-200 p-3" aria-label={`Condition ${i + 1}: ${FIELD_LABELS[r.field]}`}>
              <div className="flex items-start justify-between gap-3">
                <p className="text-sm font-medium">{FIELD_LABELS[r.field]}</p>
                <Button type="button" variant="ghost" onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))} aria-label={`Remove condition ${i + 1}`}>
                  Remove
                </Button>
              </div>
              <ConditionInputs row={r} index={i} currency={currency} programs={programs} locations={locations} tags={tags} tiers={tiers} update={update} toggle={toggle} />
              {problems[i] ? <p className="mt-2 text-xs text-amber-800">To count: {problems[i]}.</p> : null}
            </li>
          ))}
        </ol>
        <div className="flex flex-wrap items-end gap-2">
          <Field label="Add a condition on" htmlFor="s-add">
            <Select id="s-add" value={adding} onChange={(e) => setAdding(e.target.value as SegmentField)} options={FIELDS.map((f) => ({ value: f, label: FIELD_LABELS[f] }))} />
          </Field>
          <Button type="button" variant="secondary" onClick={() => setRows((rs) => [...rs, blank(adding)])}>
            Add condition
          </Button>
        </div>
      </fieldset>

      <p className="rounded-lg bg-gray-50 px-4 py-3 text-sm" aria-live="polite" data-testid="segment-count">
        {!complete ? (
          "Complete the conditions to see who matches."
        ) : countError ? (
          `Could not count: ${countError}`
        ) : count === null || counting ? (
          "Counting…"
        ) : (
          <>
            <strong className="text-lg tabular-nums">{formatNumber(count.cards)}</strong> {count.cards === 1 ? "member matches" : "members match"} now ({formatNumber(count.customers)}{" "}
            {count.customers === 1 ? "customer" : "customers"})
          </>
        )}
      </p>

      <FormMessages error={save.formError ?? (Object.keys(save.fieldErrors).length ? save.error : null)} success={saved ? `Segment “${saved}” saved.` : null} />
      <SubmitButton pending={save.pending} pendingLabel="Saving…" disabled={!complete}>
        {editing ? "Save changes" : "Save segment"}
      </SubmitButton>
    </form>
  );
}

function ConditionInputs({
  row: r,
  index,
  currency,
  programs,
  locations,
  tags,
  tiers,
  update,
  toggle,
}: {
  row: Row;
  index: number;
  currency: string;
  programs: Option[];
  locations: Option[];
  tags: string[];
  tiers: string[];
  update: (key: number, patch: Partial<Row>) => void;
  toggle: (r: Row, value: string) => void;
}) {
  const id = (s: string) => `c${index}-${s}`;
  const set = (k: keyof Row) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => update(r.key, { [k]: e.target.value });
  const picks = (options: { value: string; label: string }[], legend: string) => (
    <fieldset className="mt-2">
      <legend className="sr-only">{legend}</legend>
      <div className="flex flex-wrap gap-x-4 gap-y-1">
        {options.map((o) => (
          <label key={o.value} className="inline-flex items-center gap-1.5 text-sm">
            <input type="checkbox" checked={r.picks.includes(o.value)} onChange={() => toggle(r, o.value)} className="size-4" />
            {o.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
  switch (r.field) {
    case "tier":
      return (
        <Field label="Tiers (comma-separated)" htmlFor={id("tiers")} hint={tiers.length ? `Yours: ${tiers.join(", ")}` : undefined}>
          <Input id={id("tiers")} value={r.text} onChange={set("text")} placeholder="Gold, Silver" />
        </Field>
      );
    case "balance":
    case "lifetime_spend":
    case "visits": {
      const unit = r.field === "lifetime_spend" ? ` (${currency})` : "";
      const step = r.field === "lifetime_spend" ? inputStep(currency) : "1";
      return (
        <div className="mt-2 grid gap-3 sm:grid-cols-3">
          {r.field === "visits" ? (
            <Field label="In the last (days)" htmlFor={id("days")}>
              <Input id={id("days")} type="number" min={1} max={3650} value={r.days} onChange={set("days")} />
            </Field>
          ) : null}
          <Field label={`At least${unit}`} htmlFor={id("min")}>
            <Input id={id("min")} type="number" min={0} step={step} value={r.a} onChange={set("a")} />
          </Field>
          <Field label={`At most${unit}`} htmlFor={id("max")}>
            <Input id={id("max")} type="number" min={0} step={step} value={r.b} onChange={set("b")} />
          </Field>
        </div>
      );
    }
    case "last_visit":
      return (
        <div className="mt-2 grid gap-3 sm:grid-cols-2">
          <Field label="Last visit" htmlFor={id("op")}>
            <Select id={id("op")} value={r.op} onChange={set("op")}>
              <option value="within">within the last</option>
              <option value="not_within">not within the last (or never)</option>
            </Select>
          </Field>
          <Field label="Days" htmlFor={id("days")}>
            <Input id={id("days")} type="number" min={1} max={3650} value={r.days} onChange={set("days")} />
          </Field>
        </div>
      );
    case "birthday_month":
      return picks(
        MONTHS.map((m, i) => ({ value: String(i + 1), label: m })),
        "Birthday months",
      );
    case "location":
      return locations.length ? picks(locations.map((l) => ({ value: l.id, label: l.name })), "Locations visited") : <p className="text-sm text-gray-600">Add locations first.</p>;
    case "program":
      return picks(
        programs.map((p) => ({ value: p.id, label: p.name })),
        "Programs",
      );
    case "tags":
      return (
        <div className="mt-2 grid gap-3 sm:grid-cols-2">
          <Field label="Has" htmlFor={id("op")}>
            <Select id={id("op")} value={r.op} onChange={set("op")}>
              <option value="any">any of the tags</option>
              <option value="all">all of the tags</option>
              <option value="none">none of the tags</option>
            </Select>
          </Field>
          <Field label="Tags (comma-separated)" htmlFor={id("tags")} hint={tags.length ? `In use: ${tags.slice(0, 12).join(", ")}` : "Import tags below."}>
            <Input id={id("tags")} value={r.text} onChange={set("text")} placeholder="vip, regular" />
          </Field>
        </div>
      );
  }
}
