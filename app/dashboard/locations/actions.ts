"use server";

import { revalidatePath } from "next/cache";
import { DeleteLocationInput, LocationInput, UpdateLocationInput, createLocation, deleteLocation, updateLocation } from "@/lib/locations/verbs";
import { memberAction } from "../../_server/action";

export const createLocationAction = memberAction("locations.create", { input: LocationInput, permission: "locations:write" }, async ({ ctx, input }) => {
  const location = await createLocation(ctx, input);
  revalidatePath("/dashboard/locations");
  return { id: location.id };
});

export const updateLocationAction = memberAction("locations.update", { input: UpdateLocationInput, permission: "locations:write" }, async ({ ctx, input }) => {
  await updateLocation(ctx, input);
  revalidatePath("/dashboard/locations");
  return { id: input.locationId };
});

export const deleteLocationAction = memberAction("locations.delete", { input: DeleteLocationInput, permission: "locations:write" }, async ({ ctx, input }) => {
  await deleteLocation(ctx, input);
  revalidatePath("/dashboard/locations");
  return { id: input.locationId };
});
