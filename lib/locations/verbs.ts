import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { apiKeys, locations, type Location } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { withTransaction, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId, newId } from "../ids";
import { recordEvents } from "../outbox";
import { SafeMultilineText, SafeText } from "../input";

const coordinate = (min: number, max: number, what: string) =>
  z.preprocess(
    (v) => (v === "" || v === null || v === undefined ? null : typeof v === "string" ? Number(v) : v),
    z.number({ message: `${what} as a number` }).min(min, `${what} between ${min} and ${max}`).max(max, `${what} between ${min} and ${max}`).nullable(),
  );

export const LocationInput = z
  .object({
    name: SafeText.trim().min(1, "give the location a name").max(80),
    address: SafeMultilineText.trim().max(200).optional(),
    latitude: coordinate(-90, 90, "latitude"),
    longitude: coordinate(-180, 180, "longitude"),
  })
  .strict()
  .refine((v) => (v.latitude === null) === (v.longitude === null), { message: "give both latitude and longitude, or neither", path: ["longitude"] });
export type LocationInput = z.input<typeof LocationInput>;

export const UpdateLocationInput = z.object({ locationId: EntityId, location: LocationInput }).strict();
export const DeleteLocationInput = z.object({ locationId: EntityId }).strict();

/** Refuses a location that is not this business's (not found, like any other id). */
export async function assertOwnLocation(ctx: Ctx, locationId: string): Promise<void> {
  const [loc] = await ctx.db
    .select({ id: locations.id })
    .from(locations)
    .where(and(eq(locations.id, locationId), eq(locations.merchantId, ctx.merchantId)));
  if (!loc) throw notFound("Location");
}

export async function listLocations(ctx: Ctx): Promise<Location[]> {
  return ctx.db.select().from(locations).where(eq(locations.merchantId, ctx.merchantId)).orderBy(asc(locations.createdAt), asc(locations.id));
}

export async function createLocation(ctx: Ctx, raw: LocationInput): Promise<Location> {
  assertCan(ctx.actor, "locations:write");
  const input = LocationInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(locations)
      .values({ id: newId("loc"), merchantId: ctx.merchantId, name: input.name, address: input.address || null, latitude: input.latitude, longitude: input.longitude })
      .returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "location.created", { type: "location", id: row!.id }, { name: input.name });
    await recordEvents(tx.db, ctx.merchantId, [{ type: "location.changed", payload: { locationId: row!.id } }]);
    return row!;
  });
}

export async function updateLocation(ctx: Ctx, raw: z.input<typeof UpdateLocationInput>): Promise<Location> {
  assertCan(ctx.actor, "locations:write");
  const { locationId, location: input } = UpdateLocationInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .update(locations)
      .set({ name: input.name, address: input.address || null, latitude: input.latitude, longitude: input.longitude })
      .where(and(eq(locations.id, locationId), eq(locations.merchantId, ctx.merchantId)))
      .returning();
    if (!row) throw notFound("Location");
    await audit(tx.db, ctx.merchantId, ctx.actor, "location.updated", { type: "location", id: locationId }, input);
    await recordEvents(tx.db, ctx.merchantId, [{ type: "location.changed", payload: { locationId } }]);
    return row;
  });
}

export async function deleteLocation(ctx: Ctx, raw: z.input<typeof DeleteLocationInput>): Promise<void> {
  assertCan(ctx.actor, "locations:write");
  const { locationId } = DeleteLocationInput.parse(raw);
  await withTransaction(ctx, async (tx) => {
    const all = await listLocations(tx);
    if (!all.some((l) => l.id === locationId)) throw notFound("Location");
    if (all.length === 1) throw new AppError("conflict", "Keep at least one location; wallet passes use it to offer the card nearby.");
    const [boundKey] = await tx.db
      .select({ name: apiKeys.name })
      .from(apiKeys)
      .where(and(eq(apiKeys.merchantId, ctx.merchantId), eq(apiKeys.locationId, locationId), isNull(apiKeys.revokedAt)))
      .limit(1);
    if (boundKey) throw new AppError("conflict", `The API key “${boundKey.name}” is bound to this location; revoke it first.`);
    await tx.db.delete(locations).where(and(eq(locations.id, locationId), eq(locations.merchantId, ctx.merchantId)));
    await audit(tx.db, ctx.merchantId, ctx.actor, "location.deleted", { type: "location", id: locationId });
    await recordEvents(tx.db, ctx.merchantId, [{ type: "location.changed", payload: { locationId } }]);
  });
}
