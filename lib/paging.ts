import { z } from "zod";
import { AppError } from "./errors";
import { EntityId } from "./ids";

/*
 * Keyset paging over (created_at, id): the cursor carries Postgres's text form of the last row's
 * timestamptz (microseconds kept, e.g. "2026-11-30 14:51:40.123456+00") and its id, so the next
 * page starts exactly after it. Opaque to callers: base64url of a JSON pair.
 */

const CursorTuple = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/), EntityId]);

export function encodeKeysetCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString("base64url");
}

/** The position a cursor names; a 422 for anything this API did not give out. */
export function decodeKeysetCursor(cursor: string): { at: string; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const read = CursorTuple.safeParse(parsed);
  if (!read.success) throw new AppError("invalid", "cursor is not one this API gave out", { errors: [{ path: "cursor", message: "unknown cursor" }] });
  return { at: read.data[0], id: read.data[1] };
}
