import { RegisterBody, RegistrationPath, registerDevice, unregisterDevice } from "@/wallet/apple/service";
import { appleRoute, readJsonBody } from "@/app/api/wallet/apple/_route";

// POST /api/wallet/apple/v1/devices/{deviceId}/registrations/{passTypeId}/{serial} — register a device for a pass's updates (201 new, 200 known)
export const POST = appleRoute(RegistrationPath, async ({ db, config, params, request }) => {
  const authorization = request.headers.get("authorization");
  const body = await readJsonBody(request, RegisterBody);
  const { created } = await registerDevice(db, config, { ...params, pushToken: body.pushToken, authorization });
  return new Response(null, { status: created ? 201 : 200 });
});

// DELETE /api/wallet/apple/v1/devices/{deviceId}/registrations/{passTypeId}/{serial} — stop updates to that device
export const DELETE = appleRoute(RegistrationPath, async ({ db, config, params, request }) => {
  await unregisterDevice(db, config, { ...params, authorization: request.headers.get("authorization") });
  return new Response(null, { status: 200 });
});
