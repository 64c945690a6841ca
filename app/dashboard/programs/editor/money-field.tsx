"use client";

import { useState } from "react";
import { Field, Input } from "@/components/ui";
import { decimalsRule, formatDecimal, inputStep, parseAmount } from "@/lib/money";

/**
 * An amount of money typed in major units of `currency` and kept in minor units (lib/money):
 * "12.50" USD is 1250, "1250" JPY is 1250. What the currency does not allow ("12.5" yen) is shown
 * as an error and not taken. `optional`: empty means null.
 */
export function MoneyField({
  id,
  label,
  hint,
  error,
  currency,
  value,
  optional = false,
  onChange,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  currency: string;
  value: number | null;
  optional?: boolean;
  onChange: (minor: number | null) => void;
}) {
  const [text, setText] = useState(value === null ? "" : formatDecimal(value, currency));
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <Field label={label} htmlFor={id} hint={hint} error={problem ?? error}>
      <Input
        id={id}
        type="number"
        min={0}
        step={inputStep(currency)}
        value={text}
        aria-invalid={Boolean(problem ?? error)}
        aria-describedby={problem ?? error ? `${id}-error` : undefined}
        onChange={(e) => {
          const typed = e.target.value;
          setText(typed);
          if (typed.trim() === "") {
            setProblem(null);
            onChange(optional ? null : 0);
            return;
          }
          const minor = parseAmount(typed, currency);
          setProblem(minor === null || minor < 0 ? `Enter an amount in ${currency}; ${decimalsRule(currency)}.` : null);
          if (minor !== null && minor >= 0) onChange(minor);
        }}
      />
    </Field>
  );
}
