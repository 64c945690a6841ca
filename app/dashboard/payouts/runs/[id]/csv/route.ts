import { currentMember } from "@/app/_server/session";
import { isAppError } from "@/lib/errors";
import { payoutsCsv } from "@/lib/payouts/runs";

const STATUS: Record<string, number> = { forbidden: 403, not_found: 404, unauthorized: 401 };

// GET /dashboard/payouts/runs/{id}/csv — the run's payouts as CSV, for paying them by hand
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const { member } = await currentMember();
  if (!member) return new Response("Sign in to download payouts.", { status: 401 });
  try {
    const csv = await payoutsCsv(member.ctx, id);
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="payouts-${id.replace(/[^A-Za-z0-9_-]/g, "")}.csv"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    if (isAppError(error)) return new Response(error.message, { status: STATUS[error.code] ?? 400 });
    console.error("[payouts] CSV export failed", error);
    return new Response("Something went wrong on our side.", { status: 500 });
  }
}
