"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, Button, Field, Input } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { createApiKeyAction, revokeApiKeyAction } from "./actions";

export function CreateApiKey() {
  const router = useRouter();
  const { run, pending, error, fieldErrors } = useAction(createApiKeyAction);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-4">
      <form
        className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const r = await run({ name: String(new FormData(form).get("name") ?? "") || "API key" });
          if (r.ok) {
            setCreated({ name: r.data.name, key: r.data.key });
            setCopied(false);
            form.reset();
            router.refresh();
          }
        }}
      >
        <Field label="Name" htmlFor="key-name" hint="Say where it is used, e.g. “Till in the shop”." error={fieldErrors.name}>
          <Input id="key-name" name="name" maxLength={80} placeholder="Point of sale" />
        </Field>
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create key"}
        </Button>
      </form>
      {error ? <Alert>{error}</Alert> : null}
      {created ? (
        <div className="rounded-lg border border-amber-300 bg-amber-50 p-4" role="status">
          <p className="font-medium text-amber-950">Copy the key for “{created.name}” now. It is shown only once.</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code className="rounded bg-white px-2 py-1 font-mono text-sm break-all" data-testid="new-api-key">
              {created.key}
            </code>
            <Button
              variant="secondary"
              onClick={async () => {
                await navigator.clipboard?.writeText(created.key).catch(() => {});
                setCopied(true);
              }}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
          </div>
        </div>
      ) : null}
    </div>
  );
}

export function RevokeApiKey({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const { run, pending, error } = useAction(revokeApiKeyAction);
  return (
    <>
      <Button
        variant="ghost"
        disabled={pending}
        onClick={async () => {
          if (!window.confirm(`Revoke “${name}”? Anything using it stops working at once.`)) return;
          const r = await run({ apiKeyId: id });
          if (r.ok) router.refresh();
        }}
      >
        Revoke
      </Button>
      {error ? <Alert>{error}</Alert> : null}
    </>
  );
}
