import { currentMember } from "@/app/_server/session";
import { claimBatchCsv } from "@/lib/claims/batches";
import { isAppError } from "@/lib/errors";

const STATUS: Record<string, number> = { forbidden: 403, not_found: 404, unauthorized: 401, conflict: 409 };

// GET /dashboard/claim-codes/{id}/codes.csv — a batch's codes and links as CSV, with each one's status
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const { member } = await currentMember();
  if (!member) return new Response("Sign in to download claim codes.", { status: 401 });
  try {
    const { filename, csv } = await claimBatchCsv(member.ctx, id);
    return new Response(csv, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" } });
  } catch (error) {
    if (isAppError(error)) return new Response(error.message, { status: STATUS[error.code] ?? 400 });
    console.error("[claim-codes] CSV export failed", error);
    return new Response("Something went wrong on our side.", { status: 500 });
  }
}
