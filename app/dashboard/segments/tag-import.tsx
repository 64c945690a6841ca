"use client";

import { useState } from "react";
import { FormMessages, SubmitButton } from "@/components/form";
import { Field, Select, formatNumber, inputClass } from "@/components/ui";
import { useAction } from "@/components/use-action";
import type { TagImportReport } from "@/lib/segments/tags";
import { importTagsAction } from "./actions";

/** Tags from a CSV file (or pasted): what was applied, and every row that was not, with why. */
export function TagImport() {
  const [csv, setCsv] = useState("");
  const [mode, setMode] = useState<"add" | "replace">("add");
  const [report, setReport] = useState<TagImportReport | null>(null);
  const { run, pending, formError, fieldErrors, error } = useAction(importTagsAction, { refresh: true });

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setCsv(await file.text());
  };

  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={async (e) => {
        e.preventDefault();
        const result = await run({ csv, mode });
        setReport(result.ok ? result.data : null);
      }}
    >
      <p className="text-sm text-gray-600">
        One row per customer: their email or member code, then their tags separated by <code>;</code> or <code>|</code>. A header row is fine. Example: <code>ana@example.com,vip;regular</code>
      </p>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="CSV file" htmlFor="t-file">
          <input id="t-file" type="file" accept=".csv,text/csv,text/plain" onChange={(e) => onFile(e.target.files?.[0])} className="block w-full text-sm" />
        </Field>
        <Field label="Existing tags" htmlFor="t-mode">
          <Select id="t-mode" value={mode} onChange={(e) => setMode(e.target.value as "add" | "replace")}>
            <option value="add">keep them, add the file’s</option>
            <option value="replace">replace them with the file’s</option>
          </Select>
        </Field>
      </div>
      <Field label="Or paste the rows" htmlFor="t-csv" error={fieldErrors.csv}>
        <textarea id="t-csv" rows={5} className={`${inputClass} font-mono`} value={csv} onChange={(e) => setCsv(e.target.value)} placeholder={"email,tags\nana@example.com,vip;regular"} />
      </Field>
      <FormMessages error={formError ?? (fieldErrors.csv ? null : error)} />
      <SubmitButton pending={pending} pendingLabel="Importing…" disabled={!csv.trim()}>
        Import tags
      </SubmitButton>
      {report ? <ImportReport report={report} /> : null}
    </form>
  );
}

function ImportReport({ report }: { report: TagImportReport }) {
  return (
    <div className="space-y-3" aria-live="polite" data-testid="tag-import-report">
      <p className="text-sm">
        <strong>{formatNumber(report.applied)}</strong> of {formatNumber(report.rows)} rows applied: {formatNumber(report.customers)} customers, {formatNumber(report.tagsAdded)} tags added
        {report.tagsRemoved ? `, ${formatNumber(report.tagsRemoved)} removed` : ""}.
      </p>
      {report.errors.length ? (
        <div className="overflow-x-auto">
          <table className="min-w-full text-left text-sm">
            <caption className="mb-1 text-left font-medium text-red-800">
              {report.errors.length} {report.errors.length === 1 ? "row was" : "rows were"} not imported
            </caption>
            <thead className="text-gray-600">
              <tr>
                <th scope="col" className="py-1 pr-4 font-medium">
                  Line
                </th>
                <th scope="col" className="py-1 pr-4 font-medium">
                  Email or code
                </th>
                <th scope="col" className="py-1 font-medium">
                  Why
                </th>
              </tr>
            </thead>
            <tbody>
              {report.errors.map((e) => (
                <tr key={`${e.line}-${e.message}`} className="border-t border-gray-100">
                  <td className="py-1 pr-4 tabular-nums">{e.line}</td>
                  <td className="py-1 pr-4 font-mono text-xs">{e.value || "—"}</td>
                  <td className="py-1">{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
