"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, Button, Field, Input } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { createEndpointAction, replayDeliveryAction, setEndpointActiveAction } from "./actions";

type EventName = Parameters<typeof createEndpointAction>[0]["events"][number];

export function CreateEndpoint({ events }: { events: EventName[] }) {
  const router = useRouter();
  const { run, pending, error, fieldErrors } = useAction(createEndpointAction);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-4">
      <form
        noValidate
        className="space-y-4"
        onSubmit={async (e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const d = new FormData(form);
          const r = await run({ url: String(d.get("url") ?? ""), description: String(d.get("description") ?? "") || undefined, events: d.getAll("events").map(String) as EventName[] });
          if (r.ok) {
            setCreated({ url: r.data.url, secret: r.data.secret });
            setCopied(false);
            form.reset();
            router.refresh();
          }
        }}
      >
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
              <label key={name} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="events" value={name} defaultChecked={name === "card.balance_changed"} className="size-4 accent-brand-700" />
                <code className="font-mono">{name}</code>
              </label>
            ))}
          </div>
          {fieldErrors.events ? (
            <p id="wh-events-error" className="mt-1 text-sm text-red-700">
              Pick at least one event.
            </p>
          ) : null}
        </fieldset>
        <Button type="submit" disabled={pending}>
          {pending ? "Adding…" : "Add endpoint"}
        </Button>
      </form>
      {error && !Object.keys(fieldErrors).length ? <Alert>{error}</Alert> : null}
      {created ? (
        <div className="rounded-lg border border-amber-300 bg-amber-50 p-4" role="status">
          <p className="font-medium text-amber-950">Copy the signing secret for {created.url} now. It is shown only once.</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code className="rounded bg-white px-2 py-1 font-mono text-sm break-all" data-testid="new-webhook-secret">
              {created.secret}
            </code>
            <Button
              variant="secondary"
              onClick={async () => {
                await navigator.clipboard?.writeText(created.secret).catch(() => {});
                setCopied(true);
              }}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
          </div>
          <p className="mt-2 text-sm text-amber-950">Verify each request with it: any Standard Webhooks library checks the webhook-signature header.</p>
        </div>
      ) : null}
    </div>
  );
}

export function EndpointToggle({ endpointId, active, url }: { endpointId: string; active: boolean; url: string }) {
  const router = useRouter();
  const { run, pending, error } = useAction(setEndpointActiveAction);
  return (
    <>
      <Button
        variant="secondary"
        disabled={pending}
        aria-label={`${active ? "Pause" : "Resume"} ${url}`}
        onClick={async () => {
          const r = await run({ endpointId, active: !active });
          if (r.ok) router.refresh();
        }}
      >
        {active ? "Pause" : "Resume"}
      </Button>
      {error ? <Alert>{error}</Alert> : null}
    </>
  );
}

export function ReplayDelivery({ deliveryId }: { deliveryId: string }) {
  const router = useRouter();
  const { run, pending, error } = useAction(replayDeliveryAction);
  const [queued, setQueued] = useState(false);
  return (
    <div className="flex items-center gap-2" aria-live="polite">
      {queued ? <span className="text-sm text-emerald-800">Queued</span> : null}
      <Button
        variant="secondary"
        className="px-3 py-1.5"
        disabled={pending || queued}
        onClick={async () => {
          const r = await run({ deliveryId });
          setQueued(r.ok);
          if (r.ok) router.refresh();
        }}
      >
        Replay
      </Button>
      {error ? <Alert>{error}</Alert> : null}
    </div>
  );
}
