import { z } from "zod";
import { assertCan } from "../auth/permissions";
import type { Ctx } from "../context";
import { AppError } from "../errors";
import { csvCell, csvLine, type CellValue } from "./csv";
import { REPORT_NAMES, REPORTS, type ReportDefinition, type ReportName, type ReportRange } from "./definitions";
import { BATCH_ROWS, rowBatches } from "./source";

export const ReportFormat = z.enum(["csv", "json"]);
export type ReportFormat = z.infer<typeof ReportFormat>;

/** The query of GET /api/v1/reports/{name} and of the dashboard's download links. */
export const ReportQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional().describe("Start of the period (ISO date or date-time), included. Default: the beginning."),
    to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional().describe("End of the period (ISO date or date-time), not included. Default: now."),
    format: ReportFormat.default("csv").describe("csv (RFC 4180, a header line first) or json (an array of objects with the same fields)."),
  })
  .strict();

const OpenReportInput = ReportQuery.extend({ name: z.enum(REPORT_NAMES) });
type OpenReportInput = z.input<typeof ReportQuery> & { name: string };

export type OpenedReport = {
  name: ReportName;
  filename: string;
  contentType: string;
  /** The report, produced as it is read: one batch of rows in memory at a time. */
  body: ReadableStream<Uint8Array>;
};

export type ReportInfo = Pick<ReportDefinition, "name" | "title" | "description"> & { columns: string[] };

/** The reports there are, for the dashboard's Reports page. */
export function listReports(ctx: Ctx): ReportInfo[] {
  assertCan(ctx.actor, "reports:export");
  return REPORT_NAMES.map((name) => {
    const r = REPORTS[name];
    return { name, title: r.title, description: r.description, columns: r.columns.map((c) => c.name) };
  });
}

/**
 * Opens a report as a stream of CSV or JSON. The first batch is read before this returns, so a bad
 * period or a database error is an ordinary error here, not a broken download; the rest is read
 * as the consumer pulls, a batch at a time (a Postgres cursor, or keyset pages on PGlite), so a
 * million rows take the memory of one batch. Cancelling the stream closes the cursor.
 */
export async function openReport(ctx: Ctx, raw: OpenReportInput, opts: { batchRows?: number } = {}): Promise<OpenedReport> {
  assertCan(ctx.actor, "reports:export");
  const parsed = OpenReportInput.safeParse(raw);
  if (!parsed.success) {
    if (parsed.error.issues.some((i) => i.path[0] === "name")) throw new AppError("not_found", `There is no report named "${String(raw.name)}". Reports: ${REPORT_NAMES.join(", ")}.`);
    throw parsed.error;
  }
  const input = parsed.data;
  const range: ReportRange = { from: input.from ? new Date(input.from) : null, to: input.to ? new Date(input.to) : null };
  if (range.from && range.to && range.from > range.to) {
    throw new AppError("invalid", "The period ends before it starts.", { errors: [{ path: "to", message: "must not be before from" }] });
  }
  const report = REPORTS[input.name];
  const batches = rowBatches(ctx.db, (page) => report.query(ctx.merchantId, range, page), report.keyOf, opts.batchRows ?? BATCH_ROWS);
  // Labels looked up per batch on another pooled connection while the cursor holds its own.
  const label = report.labeller?.(ctx.db, ctx.merchantId);
  const first = await batches.next();
  if (label && !first.done) await label(first.value);

  const encoder = new TextEncoder();
  const render = input.format === "csv" ? csvRenderer(report) : jsonRenderer(report);
  let pending: IteratorResult<Record<string, unknown>[]> | null = first;
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(render.head));
      },
      async pull(controller) {
        try {
          let next = pending;
          pending = null;
          if (!next) {
            next = await batches.next();
            if (label && !next.done) await label(next.value);
          }
          if (next.done) {
            controller.enqueue(encoder.encode(render.tail));
            controller.close();
            return;
          }
          controller.enqueue(encoder.encode(render.rows(next.value)));
        } catch (error) {
          console.error(`[reports] the ${report.name} export failed while streaming`, error);
          controller.error(new Error("The export stopped on an error; it has been logged."));
        }
      },
      async cancel() {
        await batches.return(undefined);
      },
    },
    // Pull one batch ahead at most: memory stays one or two batches whatever the size.
    { highWaterMark: 1 },
  );
  const stamp = (input.to ?? new Date().toISOString()).slice(0, 10);
  return {
    name: report.name,
    filename: `${report.name}-${stamp}.${input.format}`,
    contentType: input.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    body,
  };
}

type Renderer = { head: string; rows: (rows: Record<string, unknown>[]) => string; tail: string };

function csvRenderer(report: ReportDefinition): Renderer {
  // One function per column from value to cell, and the line written straight into the batch's
  // text: no array of values or string per line in between (a million rows make that count).
  const cells = report.columns.map((c) => {
    const value = c.value;
    const kind = c.kind;
    return (row: Record<string, unknown>) => csvCell(kind, value(row));
  });
  const n = cells.length;
  return {
    head: csvLine(
      report.columns.map(() => "text"),
      report.columns.map((c) => c.name),
    ),
    rows: (rows) => {
      let out = "";
      for (const row of rows) {
        out += cells[0]!(row);
        for (let i = 1; i < n; i++) out += "," + cells[i]!(row);
        out += "\r\n";
      }
      return out;
    },
    tail: "",
  };
}

function jsonRenderer(report: ReportDefinition): Renderer {
  let first = true;
  return {
    head: "[",
    rows: (rows) => {
      let out = "";
      for (const row of rows) {
        const object: Record<string, CellValue> = {};
        for (const column of report.columns) object[column.name] = column.value(row);
        out += (first ? "" : ",") + JSON.stringify(object);
        first = false;
      }
      return out;
    },
    tail: "]",
  };
}
