import { z } from "zod";
import { openReport, ReportQuery } from "@/lib/reports/export";
import { apiRoute } from "../../../_http/route";

/** A row of a report in JSON: the CSV's columns as fields (amounts in the program's unit; money as a decimal string). */
const ReportRowOut = z.record(z.string(), z.union([z.string(), z.number(), z.null()]));

// GET /api/v1/reports/{name}?from=&to=&format=csv|json — members, ledger, vouchers or campaigns, streamed
export const GET = apiRoute(
  {
    summary: "Export a report (members, ledger, vouchers, campaigns) as CSV or JSON, streamed",
    params: ["name"],
    query: ReportQuery,
    response: { status: 200, schema: z.array(ReportRowOut), streams: ["text/csv"] },
    errors: [404],
  },
  async ({ ctx, params, query }) => {
    const report = await openReport(ctx, { name: params.name, ...query });
    return { status: 200, stream: { contentType: report.contentType, body: report.body, filename: report.filename } };
  },
);
