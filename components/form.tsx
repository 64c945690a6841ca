"use client";

/** Pieces every dashboard form and row action shares: submit and action buttons, messages, a secret shown once. */
import { useState, type ComponentProps, type ReactNode } from "react";
import type { ActionResult } from "@/lib/action-result";
import { Alert, Button } from "./ui";
import { useAction } from "./use-action";

/** The form's submit button, with its own words while the action runs. */
export function SubmitButton({ pending, pendingLabel, children, disabled, ...props }: { pending: boolean; pendingLabel?: string } & ComponentProps<typeof Button>) {
  return (
    <Button type="submit" {...props} disabled={pending || disabled}>
      {pending && pendingLabel ? pendingLabel : children}
    </Button>
  );
}

/** The polite live region under a form: its error, or what just happened. */
export function FormMessages({ error, success, className }: { error?: string | null; success?: ReactNode; className?: string }) {
  return (
    <div aria-live="polite" className={className}>
      {error ? <Alert>{error}</Alert> : null}
      {success ? typeof success === "string" ? <Alert tone="success">{success}</Alert> : success : null}
    </div>
  );
}

/**
 * A button that runs one server action with a fixed input, asks `confirm` first when given,
 * refreshes the page on success and shows the error under itself. Server pages can use it with
 * an action from an actions.ts file.
 */
export function ActionButton<I, T>({
  action,
  input,
  confirm,
  pendingLabel,
  onDone,
  refresh = true,
  children,
  variant = "ghost",
  disabled,
  ...props
}: {
  action: (input: I) => Promise<ActionResult<T>>;
  input: I;
  confirm?: string;
  pendingLabel?: string;
  onDone?: (data: T) => void;
  /** Fetch the page's data again after a success (default); off for actions that change nothing on it. */
  refresh?: boolean;
} & Omit<ComponentProps<typeof Button>, "onClick">) {
  const { run, pending, error } = useAction(action, { refresh });
  return (
    <span className="inline-flex flex-col items-end gap-2">
      <Button
        type="button"
        {...props}
        variant={variant}
        disabled={pending || disabled}
        onClick={async () => {
          if (confirm && !window.confirm(confirm)) return;
          const r = await run(input);
          if (r.ok) onDone?.(r.data);
        }}
      >
        {pending && pendingLabel ? pendingLabel : children}
      </Button>
      {error ? <Alert>{error}</Alert> : null}
    </span>
  );
}

/** A secret shown once after it is made (an API key, a signing secret), with a copy button. */
export function OneTimeSecret({ title, value, testId, children }: { title: ReactNode; value: string; testId: string; children?: ReactNode }) {
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <div className="rounded-lg border border-amber-300 bg-amber-50 p-4" role="status">
      <p className="font-medium text-amber-950">{title}</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code className="rounded bg-white px-2 py-1 font-mono text-sm break-all" data-testid={testId}>
          {value}
        </code>
        <Button
          variant="secondary"
          onClick={async () => {
            await navigator.clipboard?.writeText(value).catch(() => {});
            setCopied(value);
          }}
        >
          {copied === value ? "Copied" : "Copy"}
        </Button>
      </div>
      {children ? <p className="mt-2 text-sm text-amber-950">{children}</p> : null}
    </div>
  );
}

/** A checkbox with its words beside it. */
export function Checkbox({ label, className, ...props }: { label: ReactNode } & Omit<ComponentProps<"input">, "type">) {
  return (
    <label className={className ?? "flex items-center gap-2 text-sm"}>
      <input type="checkbox" className="size-4 accent-brand-700" {...props} />
      {label}
    </label>
  );
}
