import { timingSafeEqual } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Executor } from "../../db/client";
import { appleRegistrations, cards } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { recordPassEvent, touchPassActivity } from "../../lib/insights/pass-events";
import type { AppleConfig } from "../config";
import type { RenderedPass } from "./pass";
import { loadPass, notModifiedSince, renderLoadedPass } from "./state";

/**
 * Apple's pass web service (developer.apple.com/documentation/walletpasses): devices register for
 * updates, ask which of their passes changed since a tag, fetch the latest pass and send logs.
 * Route handlers under app/api/wallet/apple/v1 are thin wrappers around these.
 */

const Segment = z.string().min(1).max(200).regex(/^[A-Za-z0-9._:-]+$/, "letters, digits, dot, colon, dash, underscore");
export const RegistrationPath = z.object({ deviceId: Segment, passTypeId: Segment, serial: Segment });
export const RegisterBody = z.object({ pushToken: z.string().min(1).max(200).regex(/^[A-Za-z0-9]+$/, "hex push token") });
export const LogBody = z.object({ logs: z.array(z.string().max(4000)).max(100) });

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `Authorization: ApplePass <token>` → the card it authenticates, or 401. */
export async function authenticatePass(db: Executor, config: AppleConfig, passTypeId: string, serial: string, authorization: string | null) {
  const presented = /^ApplePass\s+(\S+)$/.exec(authorization ?? "")?.[1];
  if (!presented) throw new AppError("unauthorized", "Send Authorization: ApplePass <authenticationToken>.");
  if (passTypeId !== config.passTypeId) throw new AppError("unauthorized", "Unknown pass type.");
  const [card] = await db.select({ id: cards.id, walletAuthToken: cards.walletAuthToken }).from(cards).where(eq(cards.id, serial));
  if (!card || !sameToken(card.walletAuthToken, presented)) throw new AppError("unauthorized", "The authentication token does not match this pass.");
  return card;
}

/** POST …/registrations/{passTypeId}/{serial}: 201 when new, 200 when this device already had it. */
export async function registerDevice(
  db: Executor,
  config: AppleConfig,
  input: { deviceId: string; passTypeId: string; serial: string; pushToken: string; authorization: string | null },
): Promise<{ created: boolean }> {
  const card = await authenticatePass(db, config, input.passTypeId, input.serial, input.authorization);
  const [inserted] = await db
    .insert(appleRegistrations)
    .values({ id: newId("reg"), deviceLibraryId: input.deviceId, passTypeId: input.passTypeId, serialNumber: input.serial, cardId: card.id, pushToken: input.pushToken })
    .onConflictDoNothing()
    .returning({ id: appleRegistrations.id });
  if (inserted) {
    await recordPassEvent(db, { cardId: card.id, wallet: "apple", kind: "installed" });
    return { created: true };
  }
  // Already registered: the device may have a new push token.
  await db
    .update(appleRegistrations)
    .set({ pushToken: input.pushToken, updatedAt: new Date() })
    .where(and(eq(appleRegistrations.deviceLibraryId, input.deviceId), eq(appleRegistrations.passTypeId, input.passTypeId), eq(appleRegistrations.serialNumber, input.serial)));
  return { created: false };
}

/** DELETE …/registrations/{passTypeId}/{serial}: 200 whether or not it was registered (a removal is recorded only when it was). */
export async function unregisterDevice(
  db: Executor,
  config: AppleConfig,
  input: { deviceId: string; passTypeId: string; serial: string; authorization: string | null },
): Promise<void> {
  const card = await authenticatePass(db, config, input.passTypeId, input.serial, input.authorization);
  const deleted = await db
    .delete(appleRegistrations)
    .where(and(eq(appleRegistrations.deviceLibraryId, input.deviceId), eq(appleRegistrations.passTypeId, input.passTypeId), eq(appleRegistrations.serialNumber, input.serial)))
    .returning({ id: appleRegistrations.id });
  if (deleted.length > 0) await recordPassEvent(db, { cardId: card.id, wallet: "apple", kind: "removed" });
}

// A pass changes when its card, program or merchant does, or when we saw its content move
// (apple_pass_states: rewards, locations, messages; see state.ts). The tag is that moment in
// microseconds since the epoch.
const modifiedMicros = sql`floor(extract(epoch from greatest(c.updated_at, p.updated_at, m.updated_at, s.modified_at)) * 1000000)::bigint`;

export const UpdatedSinceQuery = z.object({ passesUpdatedSince: z.string().regex(/^\d{1,20}$/, "a tag from a previous answer").optional() });

/** GET …/registrations/{passTypeId}?passesUpdatedSince=tag: serials that changed, or null for 204. */
export async function serialsUpdatedSince(
  db: Executor,
  input: { deviceId: string; passTypeId: string; since?: string },
): Promise<{ serialNumbers: string[]; lastUpdated: string } | null> {
  const since = input.since ? sql`and ${modifiedMicros} > ${input.since}::bigint` : sql``;
  const rows = await queryRows<{ serial: string; tag: string; now: string }>(
    db,
    sql`select r.serial_number as serial, ${modifiedMicros}::text as tag,
               floor(extract(epoch from clock_timestamp()) * 1000000)::bigint::text as now
        from apple_registrations r
        join cards c on c.id = r.card_id
        join programs p on p.id = c.program_id
        join merchants m on m.id = c.merchant_id
        left join apple_pass_states s on s.card_id = c.id
        where r.device_library_id = ${input.deviceId} and r.pass_type_id = ${input.passTypeId} ${since}
        order by r.serial_number`,
  );
  if (rows.length === 0) return null;
  const newest = rows.reduce((max, r) => (BigInt(r.tag) > BigInt(max) ? r.tag : max), rows[0]!.tag);
  // A pass's time can be up to a second ahead of the clock (state.ts); a tag never is, or a pass
  // changing before the clock catches up would be missed.
  const lastUpdated = BigInt(newest) > BigInt(rows[0]!.now) ? rows[0]!.now : newest;
  return { serialNumbers: rows.map((r) => r.serial), lastUpdated };
}

/** HTTP dates have whole seconds. */
export const httpDate = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000).toUTCString();

/**
 * GET /v1/passes/{passTypeId}/{serial}: the pass as of now, or `notModified` when the device's
 * If-Modified-Since is not older than the second its current content was first seen (state.ts).
 */
export async function latestPass(
  db: Executor,
  config: AppleConfig,
  input: { passTypeId: string; serial: string; authorization: string | null; ifModifiedSince: string | null },
): Promise<{ notModified: true; lastModified: Date } | ({ notModified: false } & RenderedPass)> {
  const card = await authenticatePass(db, config, input.passTypeId, input.serial, input.authorization);
  const pass = await loadPass(db, config, { cardId: card.id });
  if (!pass) throw new AppError("unauthorized", "The pass is gone.");
  await touchPassActivity(db, card.id, "appleFetchedAt");
  if (notModifiedSince(pass.state.modifiedAt, input.ifModifiedSince)) return { notModified: true, lastModified: pass.state.modifiedAt };
  return { notModified: false, ...renderLoadedPass(pass, config) };
}

/** POST /v1/log: Wallet reports problems with our web service here. Kept short in the server log. */
export function recordDeviceLogs(logs: string[]): void {
  for (const line of logs.slice(0, 20)) console.warn(`[apple-wallet] ${line.slice(0, 500)}`);
}
