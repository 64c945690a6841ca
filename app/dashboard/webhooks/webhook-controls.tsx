"use client";

import { useState } from "react";
import { ActionButton, Checkbox, FormMessages, OneTimeSecret, SubmitButton } from "@/components/form";
import { Field, Input } from "@/components/ui";
import { useFormAction } from "@/components/use-action";
import { createEndpointAction, replayDeliveryAction, rotateEndpointSecretAction } from "./actions";

type EventName = Parameters<typeof createEndpointAction>[0]["events"][number];

export function CreateEndpoint({ events }: { events: EventName[] }) {
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const { onSubmit, pending, formError, fieldErrors } = useFormAction(createEndpointAction, {
    input: (d) => ({ url: String(d.get("url") ?? ""), description: String(d.get("description") ?? "") || undefined, events: d.getAll("events").map(String) as EventName[] }),
    onSuccess: (endpoint) => setCreated({ url: endpoint.url, secret: endpoint.secret }),
  });
  return (
    <div className="space-y-4">
      <form noValidate className="space-y-4" onSubmit={onSubmit}>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="URL" htmlFor="wh-url" error={fieldErrors.url} hint="Must answer 2xx within 10 seconds.">
            <Input id="wh-url" name="url" type="url" required placeholder="https://example.com/keepcard" aria-invalid={Boolean(fieldErrors.url)} />
          </Field>
          <Field label="Description" htmlFor="wh-description" error={fieldErrors.description}>
            <Input id="wh-description" name="description" maxLength={200} placeholder="Online shop" />
          </Field>
        </div>
        <fieldset aria-describedby={fieldErrors.events ? "wh-events-error" : undefined}>
          <legend className="text-sm font-medium text-gray-800">Events</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
            {events.map((name) => (
              <Checkbox key={name} name="events" value={name} defaultChecked={name === "card.balance_changed"} label={<code className="font-mono">{name}</code>} />
            ))}
          </div>
          {fieldErrors.events ? (
            <p id="wh-events-error" className="mt-1 text-sm text-red-700">
              Pick at least one event.
            </p>
          ) : null}
        </fieldset>
        <SubmitButton pending={pending} pendingLabel="Adding…">
          Add endpoint
        </SubmitButton>
      </form>
      <FormMessages error={formError} />
      {created ? (
        <OneTimeSecret title={`Copy the signing secret for ${created.url} now. It is shown only once.`} value={created.secret} testId="new-webhook-secret">
          Verify each request with it: any Standard Webhooks library checks the webhook-signature header.
        </OneTimeSecret>
      ) : null}
    </div>
  );
}

/** Sends a delivery again; says "Queued" once it is. */
export function ReplayDelivery({ deliveryId }: { deliveryId: string }) {
  const [queued, setQueued] = useState(false);
  return (
    <div className="flex items-center justify-end gap-2" aria-live="polite">
      {queued ? <span className="text-sm text-emerald-800">Queued</span> : null}
      <ActionButton action={replayDeliveryAction} input={{ deliveryId }} variant="secondary" className="px-3 py-1.5" disabled={queued} onDone={() => setQueued(true)}>
        Replay
      </ActionButton>
    </div>
  );
}

/** A new signing secret for one endpoint, shown once; the old one keeps signing through the grace period. */
export function RotateEndpointSecret({ endpointId, url, graceHours }: { endpointId: string; url: string; graceHours: number }) {
  const [rotated, setRotated] = useState<{ secret: string; until: string } | null>(null);
  return (
    <div className="flex flex-col items-end gap-2">
      <ActionButton
        action={rotateEndpointSecretAction}
        input={{ endpointId }}
        variant="secondary"
        refresh={false}
        confirm={`Make a new signing secret for ${url}? The current one keeps working for ${graceHours} hours.`}
        aria-label={`Rotate secret for ${url}`}
        onDone={(r) => setRotated({ secret: r.secret, until: r.previousValidUntil })}
      >
        Rotate secret
      </ActionButton>
      {rotated ? (
        <div className="max-w-md text-left">
          <OneTimeSecret title="Copy the new signing secret now. It is shown only once." value={rotated.secret} testId="rotated-webhook-secret">
            Until {new Date(rotated.until).toUTCString()} each request carries two signatures, one with the old secret and one with this one, so your endpoint keeps verifying while you switch.
          </OneTimeSecret>
        </div>
      ) : null}
    </div>
  );
}
