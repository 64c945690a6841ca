import { dbReady } from "@/db/client";
import { AppError } from "@/lib/errors";
import { googleConfig } from "@/wallet/config";
import { receiveGoogleCallback } from "@/wallet/google/callback";
import { readJson } from "@/app/api/_http/body";
import { json, problemResponse } from "@/app/api/_http/problem";

// POST /api/wallet/google/callback — Google's signed save/delete callback of a loyalty object (the class's callbackOptions.url)
export async function POST(request: Request): Promise<Response> {
  try {
    const config = googleConfig();
    if (!config) throw new AppError("unavailable", "Google Wallet is not configured on this server.");
    const outcome = await receiveGoogleCallback(await dbReady(), config, await readJson(request));
    return json(200, { received: true, recorded: outcome.recorded });
  } catch (error) {
    return problemResponse(error);
  }
}
