import { AppError } from "@/lib/errors";
import { stampHeroPng } from "@/wallet/apple/images";
import { parseStampHeroName } from "@/wallet/google/hero";
import { problemResponse } from "@/app/api/_http/problem";

// GET /api/wallet/google/stamps/{filled}-{total}-{bg}-{fg}-{label}.png — a stamp grid for a Google loyalty object's hero image.
// Public and content-addressed (the name is the whole input), so it is cached for a year.
export async function GET(_request: Request, { params }: { params: Promise<{ image: string }> }): Promise<Response> {
  try {
    const key = parseStampHeroName((await params).image);
    if (!key) throw new AppError("not_found", "No such stamp image.");
    const png = stampHeroPng({ backgroundColor: key.background, foregroundColor: key.foreground, labelColor: key.label }, key.filled, key.total);
    return new Response(new Uint8Array(png), { headers: { "content-type": "image/png", "cache-control": "public, max-age=31536000, immutable" } });
  } catch (error) {
    return problemResponse(error);
  }
}
