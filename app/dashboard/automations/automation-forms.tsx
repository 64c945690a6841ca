"use client";

import { useState, type ReactNode } from "react";
import { Checkbox, FormMessages, SubmitButton } from "@/components/form";
import { Field, Input, Select } from "@/components/ui";
import { useFormAction } from "@/components/use-action";
import { formatDecimal, inputStep, parseAmount } from "@/lib/money";
import { updateAutomationsAction } from "./actions";

type Kind = "points" | "stamps" | "cashback";
type Common = { programId: string; kind: Kind; currency: string; canEdit: boolean };
type Patch = Parameters<typeof updateAutomationsAction>[0]["patch"];
type Section = keyof Patch;

/**
 * One form per automation: its switch and what it gives. An amount of a cashback program is typed
 * as money (2.50) and sent in minor units; points and stamps are whole numbers.
 */
function useAutomationForm(section: Section, common: Common, read: (d: FormData, amount: (k: string) => number, money: (k: string) => number) => NonNullable<Patch[Section]>) {
  const [saved, setSaved] = useState<string | null>(null);
  const money = (d: FormData) => (k: string) => parseAmount(String(d.get(k) ?? ""), common.currency) ?? Number.NaN;
  const amount = (d: FormData) => (k: string) => (common.kind === "cashback" ? money(d)(k) : Number(String(d.get(k) ?? "")));
  const form = useFormAction(updateAutomationsAction, {
    input: (d) => ({ programId: common.programId, patch: { [section]: read(d, amount(d), money(d)) } as Patch }),
    onSuccess: (_r, input) => setSaved((input.patch[section] as { enabled: boolean }).enabled ? "Saved: it is on." : "Saved: it is off."),
    onFailure: () => setSaved(null),
    reset: false,
  });
  const fe = (field: string) => form.fieldErrors[`patch.${section}.${field}`];
  return { ...form, saved, fe };
}

function Frame({ id, label, enabled, canEdit, form, children }: { id: string; label: string; enabled: boolean; canEdit: boolean; form: ReturnType<typeof useAutomationForm>; children: ReactNode }) {
  return (
    <form noValidate onSubmit={form.onSubmit} className="space-y-4" aria-label={`${label} settings`}>
      <fieldset disabled={!canEdit} className="space-y-4">
        <Checkbox name="enabled" id={`${id}-enabled`} defaultChecked={enabled} label={<span className="font-medium">{label} on</span>} />
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">{children}</div>
      </fieldset>
      {canEdit ? (
        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton pending={form.pending} pendingLabel="Saving…">
            Save
          </SubmitButton>
          <FormMessages error={form.formError} success={form.saved} />
        </div>
      ) : (
        <p className="text-sm text-gray-600">Only owners, admins and marketers change automations.</p>
      )}
    </form>
  );
}

function AmountField({ id, name, label, value, common, error, hint }: { id: string; name: string; label: string; value: number; common: Common; error?: string; hint?: string }) {
  const cashback = common.kind === "cashback";
  return (
    <Field label={cashback ? `${label} (${common.currency})` : label} htmlFor={id} error={error} hint={hint}>
      <Input
        id={id}
        name={name}
        type="number"
        inputMode={cashback ? "decimal" : "numeric"}
        min={0}
        step={cashback ? inputStep(common.currency) : 1}
        defaultValue={cashback ? formatDecimal(value, common.currency) : value}
        aria-invalid={Boolean(error)}
      />
    </Field>
  );
}

export function WelcomeForm({ initial, ...common }: Common & { initial: { enabled: boolean; bonus: number } }) {
  const form = useAutomationForm("welcome", common, (d, amount) => ({ enabled: d.get("enabled") === "on", bonus: amount("bonus") }));
  return (
    <Frame id="welcome" label="Welcome bonus" enabled={initial.enabled} canEdit={common.canEdit} form={form}>
      <AmountField id="welcome-bonus" name="bonus" label="Bonus on joining" value={initial.bonus} common={common} error={form.fe("bonus")} />
    </Frame>
  );
}

export function BirthdayForm({ initial, rewards, ...common }: Common & { initial: { enabled: boolean; bonus: number; rewardId: string | null; daysBefore: number }; rewards: { id: string; name: string }[] }) {
  const [gift, setGift] = useState<"points" | "voucher">(initial.rewardId ? "voucher" : "points");
  const form = useAutomationForm("birthday", common, (d, amount) => ({
    enabled: d.get("enabled") === "on",
    bonus: gift === "points" ? amount("bonus") : 0,
    rewardId: gift === "voucher" ? String(d.get("rewardId") ?? "") || null : null,
    daysBefore: Number(String(d.get("daysBefore") ?? "0")),
  }));
  return (
    <Frame id="birthday" label="Birthday gift" enabled={initial.enabled} canEdit={common.canEdit} form={form}>
      <Field label="Gift" htmlFor="birthday-gift">
        <Select id="birthday-gift" value={gift} onChange={(e) => setGift(e.target.value as "points" | "voucher")}>
          <option value="points">{common.kind === "stamps" ? "Stamps" : common.kind === "cashback" ? "Cashback" : "Points"}</option>
          <option value="voucher" disabled={rewards.length === 0}>
            A reward from the catalog (voucher)
          </option>
        </Select>
      </Field>
      {gift === "points" ? (
        <AmountField id="birthday-bonus" name="bonus" label="Birthday bonus" value={initial.bonus} common={common} error={form.fe("bonus")} />
      ) : (
        <Field label="Reward" htmlFor="birthday-reward" error={form.fe("rewardId") ?? form.fe("bonus")}>
          <Select id="birthday-reward" name="rewardId" defaultValue={initial.rewardId ?? rewards[0]?.id} options={rewards.map((r) => ({ value: r.id, label: r.name }))} />
        </Field>
      )}
      <Field label="Days before the birthday" htmlFor="birthday-days" error={form.fe("daysBefore")} hint="0 gives it on the day; up to 30.">
        <Input id="birthday-days" name="daysBefore" type="number" min={0} max={30} step={1} defaultValue={initial.daysBefore} aria-invalid={Boolean(form.fe("daysBefore"))} />
      </Field>
    </Frame>
  );
}

export function ReferralForm({ initial, ...common }: Common & { initial: { enabled: boolean; referrerBonus: number; refereeBonus: number; minPurchase: number; monthlyCap: number | null } }) {
  const form = useAutomationForm("referral", common, (d, amount, money) => {
    const cap = String(d.get("monthlyCap") ?? "").trim();
    return {
      enabled: d.get("enabled") === "on",
      referrerBonus: amount("referrerBonus"),
      refereeBonus: amount("refereeBonus"),
      minPurchase: String(d.get("minPurchase") ?? "").trim() === "" ? 0 : money("minPurchase"),
      monthlyCap: cap === "" ? null : Number(cap),
    };
  });
  return (
    <Frame id="referral" label="Referrals" enabled={initial.enabled} canEdit={common.canEdit} form={form}>
      <AmountField id="referral-referrer" name="referrerBonus" label="For the member who shared" value={initial.referrerBonus} common={common} error={form.fe("referrerBonus")} />
      <AmountField id="referral-referee" name="refereeBonus" label="For the new member" value={initial.refereeBonus} common={common} error={form.fe("refereeBonus")} />
      <Field label={`Qualifying purchase from (${common.currency})`} htmlFor="referral-min" error={form.fe("minPurchase")} hint="0: the new member's first earn of any kind.">
        <Input id="referral-min" name="minPurchase" type="number" inputMode="decimal" min={0} step={inputStep(common.currency)} defaultValue={formatDecimal(initial.minPurchase, common.currency)} aria-invalid={Boolean(form.fe("minPurchase"))} />
      </Field>
      <Field label="Cap per referrer a month" htmlFor="referral-cap" error={form.fe("monthlyCap")} hint="Empty: no cap.">
        <Input id="referral-cap" name="monthlyCap" type="number" min={1} max={1000} step={1} defaultValue={initial.monthlyCap ?? ""} aria-invalid={Boolean(form.fe("monthlyCap"))} />
      </Field>
    </Frame>
  );
}

export function WinbackForm({ initial, ...common }: Common & { initial: { enabled: boolean; days: number; bonus: number } }) {
  const form = useAutomationForm("winback", common, (d, amount) => ({ enabled: d.get("enabled") === "on", days: Number(String(d.get("days") ?? "")), bonus: amount("bonus") }));
  return (
    <Frame id="winback" label="Win-back" enabled={initial.enabled} canEdit={common.canEdit} form={form}>
      <Field label="Days without a visit" htmlFor="winback-days" error={form.fe("days")} hint="From 7 to 3,650.">
        <Input id="winback-days" name="days" type="number" min={7} max={3650} step={1} defaultValue={initial.days} aria-invalid={Boolean(form.fe("days"))} />
      </Field>
      <AmountField id="winback-bonus" name="bonus" label="Win-back bonus" value={initial.bonus} common={common} error={form.fe("bonus")} />
    </Frame>
  );
}
