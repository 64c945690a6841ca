import { PKPASS_MIME } from "@/wallet/apple/pass";
import { httpDate, latestPass, RegistrationPath } from "@/wallet/apple/service";
import { appleRoute } from "@/app/api/wallet/apple/_route";

const Path = RegistrationPath.omit({ deviceId: true });

// GET /api/wallet/apple/v1/passes/{passTypeId}/{serial} — the latest pass, or 304 when If-Modified-Since is current
export const GET = appleRoute(Path, async ({ db, config, params, request }) => {
  const result = await latestPass(db, config, {
    ...params,
    authorization: request.headers.get("authorization"),
    ifModifiedSince: request.headers.get("if-modified-since"),
  });
  const headers = { "last-modified": httpDate(result.lastModified), "cache-control": "no-cache" };
  if (result.notModified) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(result.body), { status: 200, headers: { ...headers, "content-type": PKPASS_MIME, etag: result.etag } });
});
