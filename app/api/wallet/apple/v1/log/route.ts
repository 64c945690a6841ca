import { clientIpKey } from "@/lib/http/client-ip";
import { AppError } from "@/lib/errors";
import { enforceRateLimit } from "@/lib/rate-limit";
import { LogBody, recordDeviceLogs } from "@/wallet/apple/service";
import { problemResponse } from "@/app/api/_http/problem";
import { readJsonBody } from "@/app/api/wallet/apple/_route";

// POST /api/wallet/apple/v1/log — Wallet's error reports about this web service
export async function POST(request: Request): Promise<Response> {
  try {
    await enforceRateLimit("publicIp", `apple-log:${clientIpKey(request.headers)}`);
    const body = await readJsonBody(request, LogBody);
    recordDeviceLogs(body.logs);
    return new Response(null, { status: 200 });
  } catch (error) {
    return problemResponse(error instanceof AppError ? error : new AppError("malformed", "Unreadable log body."));
  }
}
