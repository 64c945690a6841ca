import { currentMember } from "@/app/_server/session";
import { isAppError } from "@/lib/errors";
import { openReport } from "@/lib/reports/export";

const STATUS: Record<string, number> = { forbidden: 403, not_found: 404, unauthorized: 401, invalid: 422 };

// GET /dashboard/reports/{name}?from=&to=&format=csv|json — a report as a download, streamed (the dashboard's Reports page links here)
export async function GET(request: Request, { params }: { params: Promise<{ name: string }> }): Promise<Response> {
  const { name } = await params;
  const { member, pending } = await currentMember();
  if (!member || pending) return new Response("Sign in to download reports.", { status: 401 });
  const query = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  try {
    const report = await openReport(member.ctx, { name, ...query });
    return new Response(report.body, {
      headers: { "content-type": report.contentType, "content-disposition": `attachment; filename="${report.filename}"`, "cache-control": "no-store" },
    });
  } catch (error) {
    if (isAppError(error)) return new Response(error.message, { status: STATUS[error.code] ?? 400 });
    if (error instanceof Error && error.name === "ZodError") return new Response("The period is not a date (use YYYY-MM-DD).", { status: 422 });
    console.error("[reports] export failed", error);
    return new Response("Something went wrong on our side.", { status: 500 });
  }
}
