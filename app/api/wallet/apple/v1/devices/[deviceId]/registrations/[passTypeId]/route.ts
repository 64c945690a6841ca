import { AppError } from "@/lib/errors";
import { RegistrationPath, serialsUpdatedSince, UpdatedSinceQuery } from "@/wallet/apple/service";
import { appleRoute } from "@/app/api/wallet/apple/_route";

const Path = RegistrationPath.omit({ serial: true });

// GET /api/wallet/apple/v1/devices/{deviceId}/registrations/{passTypeId}?passesUpdatedSince={tag} — serials changed since the tag (204 when none)
export const GET = appleRoute(Path, async ({ db, params, request }) => {
  const query = UpdatedSinceQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw new AppError("malformed", "passesUpdatedSince is not a tag this service gave out.");
  const changed = await serialsUpdatedSince(db, { ...params, since: query.data.passesUpdatedSince });
  if (!changed) return new Response(null, { status: 204 });
  return Response.json(changed, { status: 200 });
});
