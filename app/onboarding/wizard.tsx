"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { BusinessFields, type BusinessValue } from "@/components/business-fields";
import { Alert, Button, Field, Input, cx } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { InviteForm } from "../dashboard/team/team-controls";
import { ProgramEditor, defaultDraft } from "../dashboard/programs/program-editor";
import { createBusinessAction } from "./actions";

const STEPS = ["Your business", "First program", "Invite staff"];

function guessTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

type Business = { name: string; currency: string; brandColor: string; logoUrl: string | null };

/** The three steps of onboarding; which one shows is decided by the page (and survives a reload). */
export function OnboardingWizard({ step, business: created }: { step: 0 | 1 | 2; business?: Business }) {
  const router = useRouter();
  const [business, setBusiness] = useState<BusinessValue>({ name: "", brandColor: "#047857", currency: "USD", timezone: "UTC", logoUrl: null });
  const [location, setLocation] = useState({ name: "Main shop", address: "", latitude: "", longitude: "" });
  const create = useAction(createBusinessAction);
  useEffect(() => {
    // The browser knows the owner's time zone; the server-rendered form starts at UTC.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setBusiness((b) => ({ ...b, timezone: guessTimeZone() }));
  }, []);

  return (
    <div>
      <ol className="mb-8 flex flex-wrap gap-2 text-sm" aria-label="Steps">
        {STEPS.map((s, i) => (
          <li key={s} aria-current={i === step ? "step" : undefined} className={cx("flex items-center gap-2 rounded-full px-3 py-1", i === step ? "bg-ink text-white" : i < step ? "bg-brand-50 text-brand-800" : "bg-gray-100 text-gray-700")}>
            <span aria-hidden>{i < step ? "✓" : i + 1}</span> {s}
          </li>
        ))}
      </ol>

      {step === 0 ? (
        <form
          className="space-y-6"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            // On success the action moves on to the program step itself.
            await create.run({ ...business, location: location as never });
          }}
        >
          <section className="space-y-4 rounded-xl border border-gray-200 bg-white p-5 shadow-sm">
            <h2 className="text-lg font-semibold">Tell us about your business</h2>
            <BusinessFields value={business} onChange={setBusiness} errors={create.fieldErrors} />
          </section>
          <section className="space-y-4 rounded-xl border border-gray-200 bg-white p-5 shadow-sm">
            <h2 className="text-lg font-semibold">Your first location</h2>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Location name" htmlFor="loc-name" error={create.fieldErrors["location.name"]}>
                <Input id="loc-name" value={location.name} onChange={(e) => setLocation({ ...location, name: e.target.value })} maxLength={80} />
              </Field>
              <Field label="Address" htmlFor="loc-address" hint="Optional.">
                <Input id="loc-address" value={location.address} onChange={(e) => setLocation({ ...location, address: e.target.value })} maxLength={200} />
              </Field>
              <Field label="Latitude" htmlFor="loc-lat" hint="Optional: lets phones offer the card nearby." error={create.fieldErrors["location.latitude"]}>
                <Input id="loc-lat" inputMode="decimal" value={location.latitude} onChange={(e) => setLocation({ ...location, latitude: e.target.value })} />
              </Field>
              <Field label="Longitude" htmlFor="loc-lng" error={create.fieldErrors["location.longitude"]}>
                <Input id="loc-lng" inputMode="decimal" value={location.longitude} onChange={(e) => setLocation({ ...location, longitude: e.target.value })} />
              </Field>
            </div>
          </section>
          {create.error && !Object.keys(create.fieldErrors).length ? <Alert>{create.error}</Alert> : null}
          {create.error && Object.keys(create.fieldErrors).length ? <Alert>{create.error}</Alert> : null}
          <Button type="submit" disabled={create.pending}>
            {create.pending ? "Creating…" : "Continue"}
          </Button>
        </form>
      ) : null}

      {step === 1 && created ? (
        <div className="space-y-4">
          <h2 className="text-lg font-semibold">Create your first program</h2>
          <ProgramEditor initial={defaultDraft("points", created.currency, created.brandColor, created.name)} businessName={created.name} logoUrl={created.logoUrl} locations={[]} canEdit onSaved={() => router.push("/onboarding?step=invite")} />
        </div>
      ) : null}

      {step === 2 ? (
        <section className="max-w-xl space-y-4 rounded-xl border border-gray-200 bg-white p-5 shadow-sm">
          <h2 className="text-lg font-semibold">Invite your staff</h2>
          <p className="text-sm text-gray-600">Cashiers get the scanner and nothing else. You can do this later from Team.</p>
          <InviteForm canGrantOwner compact />
          <Button onClick={() => router.push("/dashboard")}>Go to the dashboard</Button>
        </section>
      ) : null}
    </div>
  );
}
