"use client";

import { useRouter } from "next/navigation";
import { useCallback, useState, useTransition, type FormEvent } from "react";
import type { ActionResult } from "@/lib/action-result";

const UNREACHABLE = "We could not reach Keepcard. Check the connection and try again.";

/**
 * Runs a server action from a client component, with pending state and the form error to show.
 * With `refresh`, the page's server data is fetched again after a success.
 */
export function useAction<I, T>(action: (input: I) => Promise<ActionResult<T>>, options: { refresh?: boolean } = {}) {
  const router = useRouter();
  const refresh = options.refresh ?? false;
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  const run = useCallback(
    (input: I): Promise<ActionResult<T>> =>
      new Promise((resolve) => {
        startTransition(async () => {
          let result: ActionResult<T>;
          try {
            result = await action(input);
          } catch {
            result = { ok: false, code: "network", error: UNREACHABLE };
          }
          setError(result.ok ? null : result.error);
          setFieldErrors(result.ok ? {} : (result.fieldErrors ?? {}));
          if (result.ok && refresh) router.refresh();
          resolve(result);
        });
      }),
    [action, refresh, router],
  );

  /** A general error to show above the form: only when no field carries its own message. */
  const formError = error && Object.keys(fieldErrors).length === 0 ? error : null;

  return { run, pending, error, formError, fieldErrors, setError };
}

/**
 * A form's submit handler: reads the form's fields into the action's input, runs it, then (on
 * success) calls `onSuccess`, clears the form unless `reset` is false and refreshes the page.
 */
export function useFormAction<I, T>(
  action: (input: I) => Promise<ActionResult<T>>,
  options: { input: (data: FormData) => I; onSuccess?: (data: T, input: I) => void; onFailure?: () => void; reset?: boolean },
) {
  const state = useAction(action, { refresh: true });
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const input = options.input(new FormData(form));
    const result = await state.run(input);
    if (!result.ok) return options.onFailure?.();
    options.onSuccess?.(result.data, input);
    if (options.reset ?? true) form.reset();
  };
  return { ...state, onSubmit };
}
