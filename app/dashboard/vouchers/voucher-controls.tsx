"use client";

import { useState } from "react";
import { ActionButton, FormMessages, SubmitButton } from "@/components/form";
import { Field, Input, Select } from "@/components/ui";
import { useFormAction } from "@/components/use-action";
import { issueVoucherAction, voidVoucherAction } from "./actions";

type Choice = { id: string; name: string };
type RewardChoice = Choice & { programId: string; programName: string };

/**
 * Gives a goodwill voucher: to a member (fixed on the member page, or found by email and program)
 * or to a saved segment; a catalogue reward or a value in words.
 */
export function IssueVoucherForm({
  idPrefix,
  cardId,
  programId,
  programs,
  rewards,
  segments,
}: {
  idPrefix: string;
  /** On a member's card: the voucher goes to this card. */
  cardId?: string;
  /** The card's program: only its rewards are offered. */
  programId?: string;
  programs: Choice[];
  rewards: RewardChoice[];
  segments: Choice[];
}) {
  const [to, setTo] = useState<"member" | "segment">("member");
  const [kind, setKind] = useState<"text" | "reward">("text");
  const [done, setDone] = useState<string | null>(null);
  const offered = programId ? rewards.filter((r) => r.programId === programId) : rewards;
  const id = (name: string) => `${idPrefix}-${name}`;
  const { onSubmit, pending, formError, fieldErrors } = useFormAction(issueVoucherAction, {
    input: (d) => {
      const validDays = Number(d.get("validDays"));
      return {
        to: cardId ? ("member" as const) : to,
        ...(cardId ? { cardId } : to === "member" ? { email: String(d.get("email") ?? ""), programId: String(d.get("programId") ?? "") || undefined } : { segmentId: String(d.get("segmentId") ?? "") || undefined }),
        ...(kind === "reward" ? { rewardId: String(d.get("rewardId") ?? "") || undefined } : { title: String(d.get("title") ?? "") }),
        ...(validDays ? { validDays } : {}),
      };
    },
    onSuccess: (r) =>
      setDone(r.issued === 1 ? `Voucher ${r.code} given.` : `${r.issued.toLocaleString("en-US")} vouchers given${r.skipped ? ` (${r.skipped.toLocaleString("en-US")} cards left out: closed or in another program)` : ""}.`),
    onFailure: () => setDone(null),
  });
  return (
    <form className="grid gap-3 sm:grid-cols-2" noValidate onSubmit={onSubmit} aria-label="Give a voucher">
      {cardId ? null : (
        <fieldset className="sm:col-span-2">
          <legend className="text-sm font-medium text-gray-800">To</legend>
          <div className="mt-1 flex gap-4 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="to" value="member" checked={to === "member"} onChange={() => setTo("member")} className="accent-brand-700" /> A member
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="to" value="segment" checked={to === "segment"} onChange={() => setTo("segment")} className="accent-brand-700" disabled={segments.length === 0} /> A segment
              {segments.length === 0 ? <span className="text-xs text-gray-600">(none saved yet)</span> : null}
            </label>
          </div>
        </fieldset>
      )}
      {cardId ? null : to === "member" ? (
        <>
          <Field label="Member's email" htmlFor={id("email")} error={fieldErrors.email}>
            <Input id={id("email")} name="email" type="email" autoComplete="off" aria-invalid={Boolean(fieldErrors.email)} />
          </Field>
          <Field label="Program" htmlFor={id("program")} error={fieldErrors.programId}>
            <Select id={id("program")} name="programId" options={programs.map((p) => ({ value: p.id, label: p.name }))} />
          </Field>
        </>
      ) : (
        <Field label="Segment" htmlFor={id("segment")} error={fieldErrors.segmentId}>
          <Select id={id("segment")} name="segmentId" options={segments.map((s) => ({ value: s.id, label: s.name }))} />
        </Field>
      )}
      <fieldset className="sm:col-span-2">
        <legend className="text-sm font-medium text-gray-800">What</legend>
        <div className="mt-1 flex gap-4 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" name="kind" value="text" checked={kind === "text"} onChange={() => setKind("text")} className="accent-brand-700" /> A value in words
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="kind" value="reward" checked={kind === "reward"} onChange={() => setKind("reward")} className="accent-brand-700" disabled={offered.length === 0} /> A catalogue reward
          </label>
        </div>
      </fieldset>
      {kind === "text" ? (
        <Field label="Voucher for" hint="What the customer gets, e.g. “Free coffee”." htmlFor={id("title")} error={fieldErrors.title}>
          <Input id={id("title")} name="title" maxLength={80} placeholder="Free coffee" aria-invalid={Boolean(fieldErrors.title)} />
        </Field>
      ) : (
        <Field label="Reward" htmlFor={id("reward")} error={fieldErrors.rewardId}>
          <Select id={id("reward")} name="rewardId" options={offered.map((r) => ({ value: r.id, label: programId ? r.name : `${r.name} (${r.programName})` }))} />
        </Field>
      )}
      <Field label="Valid for (days)" hint="Empty: the usual 30 days." htmlFor={id("days")} error={fieldErrors.validDays}>
        <Input id={id("days")} name="validDays" type="number" min={1} max={365} step={1} />
      </Field>
      <div className="sm:col-span-2">
        <SubmitButton pending={pending} pendingLabel="Giving…">
          Give voucher
        </SubmitButton>
        <FormMessages className="mt-2" error={formError} success={done} />
      </div>
    </form>
  );
}

export function VoidVoucherButton({ voucherId, title }: { voucherId: string; title: string }) {
  return (
    <ActionButton action={voidVoucherAction} input={{ voucherId }} variant="danger" pendingLabel="Cancelling…" confirm={`Cancel the voucher “${title}”? It can no longer be used.`} aria-label={`Void ${title}`}>
      Void
    </ActionButton>
  );
}
