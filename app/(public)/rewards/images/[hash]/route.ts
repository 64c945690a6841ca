import { dbReady } from "@/db/client";
import { AppError } from "@/lib/errors";
import { loadRewardImage } from "@/lib/rewards/images";
import { problemResponse } from "@/app/api/_http/problem";

// GET /rewards/images/{hash} — a reward's picture; the path is its content's hash, so it never changes
export async function GET(_request: Request, { params }: { params: Promise<{ hash: string }> }): Promise<Response> {
  try {
    const image = await loadRewardImage(await dbReady(), (await params).hash);
    if (!image) throw new AppError("not_found", "No such image.");
    return new Response(new Uint8Array(image.bytes), {
      headers: {
        "content-type": image.contentType,
        "cache-control": "public, max-age=31536000, immutable",
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; sandbox",
      },
    });
  } catch (error) {
    return problemResponse(error);
  }
}
