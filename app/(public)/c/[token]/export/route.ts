import { dbReady } from "@/db/client";
import { exportOwnData } from "@/lib/customers/self-service";
import { AppError } from "@/lib/errors";
import { problemResponse } from "@/app/api/_http/problem";
import { clientIpKey } from "@/lib/http/client-ip";
import { limitCardTraffic } from "../../../_public";

export const dynamic = "force-dynamic";

// POST /c/{token}/export — the card holder downloads everything kept about them (the GDPR export) as
// a JSON file. A POST from the card page's form, so link previews and prefetchers never make one.
export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  try {
    if (!/^[A-Za-z0-9]{16,64}$/.test(token)) throw new AppError("not_found", "No such card.");
    await limitCardTraffic(clientIpKey(request.headers), token, "export");
    const data = await exportOwnData(await dbReady(), { token });
    return new Response(JSON.stringify(data, null, 2), {
      status: 200,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="my-data-${data.exportedAt.slice(0, 10)}.json"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return problemResponse(error);
  }
}
