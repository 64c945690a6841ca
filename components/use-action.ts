"use client";

import { useCallback, useState, useTransition } from "react";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; code: string; error: string; fieldErrors?: Record<string, string> };

/** Runs a server action from a client component, with pending state and the form error to show. */
export function useAction<I, T>(action: (input: I) => Promise<ActionResult<T>>) {
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
            result = { ok: false, code: "network", error: "We could not reach Keepcard. Check the connection and try again." };
          }
          setError(result.ok ? null : result.error);
          setFieldErrors(result.ok ? {} : (result.fieldErrors ?? {}));
          resolve(result);
        });
      }),
    [action],
  );

  return { run, pending, error, fieldErrors, setError };
}
