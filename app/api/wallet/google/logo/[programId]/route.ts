import { dbReady } from "@/db/client";
import { AppError } from "@/lib/errors";
import { loadPublicProgram } from "@/lib/programs/public";
import { programLogoPng } from "@/wallet/apple/images";
import { problemResponse } from "@/app/api/_http/problem";

// GET /api/wallet/google/logo/{programId} — the program's logo as a PNG, for its Google loyalty class
export async function GET(_request: Request, { params }: { params: Promise<{ programId: string }> }): Promise<Response> {
  try {
    const found = await loadPublicProgram(await dbReady(), (await params).programId);
    if (!found) throw new AppError("not_found", "No such program.");
    const png = programLogoPng(found.program.design, found.program.design.logoText ?? found.program.name);
    return new Response(new Uint8Array(png), { headers: { "content-type": "image/png", "cache-control": "public, max-age=3600" } });
  } catch (error) {
    return problemResponse(error);
  }
}
