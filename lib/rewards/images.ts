import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "../../db/client";
import { rewardImages } from "../../db/schema";
import { appUrl } from "../env";
import { AppError } from "../errors";

/** Largest picture accepted, in bytes (the browser scales it down before upload). */
export const MAX_REWARD_IMAGE_BYTES = 256 * 1024;

/** A picture as a base64 data URL; what the bytes really are is checked by decodeRewardImage. */
export const RewardImageDataUrl = z
  .string()
  .max(Math.ceil((MAX_REWARD_IMAGE_BYTES * 4) / 3) + 64, "the image is too large; use one under 256 KB")
  .regex(/^data:image\/(png|jpeg);base64,[A-Za-z0-9+/]+={0,2}$/, "a PNG or JPEG image as a data URL")
  .describe("A PNG or JPEG picture (at most 256 KB) as a base64 data URL; null removes it.");

export type DecodedImage = { bytes: Buffer; contentType: "image/png" | "image/jpeg"; hash: string };

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);

/** What the bytes are, by their first bytes (never by the name or the declared type). */
export function sniffImage(bytes: Buffer): DecodedImage["contentType"] | null {
  if (bytes.length > PNG.length && bytes.subarray(0, PNG.length).equals(PNG)) return "image/png";
  if (bytes.length > JPEG.length && bytes.subarray(0, JPEG.length).equals(JPEG)) return "image/jpeg";
  return null;
}

/** Decodes an uploaded data URL, refusing anything that is not really a PNG or JPEG under the cap. */
export function decodeRewardImage(dataUrl: string): DecodedImage {
  const bad = (message: string) => new AppError("invalid", message, { errors: [{ path: "image", message }] });
  const parsed = RewardImageDataUrl.safeParse(dataUrl);
  if (!parsed.success) throw bad(parsed.error.issues[0]?.message ?? "a PNG or JPEG image");
  const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(",") + 1), "base64");
  if (bytes.length === 0 || bytes.length > MAX_REWARD_IMAGE_BYTES) throw bad("the image is too large; use one under 256 KB");
  const contentType = sniffImage(bytes);
  if (!contentType) throw bad("the file is not a PNG or JPEG image");
  return { bytes, contentType, hash: createHash("sha256").update(bytes).digest("hex") };
}

/** Keeps the picture (once per merchant and content) and returns its hash. */
export async function storeRewardImage(db: Executor, merchantId: string, image: DecodedImage): Promise<string> {
  await db
    .insert(rewardImages)
    .values({ merchantId, hash: image.hash, contentType: image.contentType, data: image.bytes.toString("base64") })
    .onConflictDoNothing();
  return image.hash;
}

/** The picture with this hash, for the content-addressed route. */
export async function loadRewardImage(db: Executor, hash: string): Promise<{ bytes: Buffer; contentType: string } | null> {
  if (!/^[0-9a-f]{64}$/.test(hash)) return null;
  const [row] = await db.select({ contentType: rewardImages.contentType, data: rewardImages.data }).from(rewardImages).where(eq(rewardImages.hash, hash)).limit(1);
  return row ? { bytes: Buffer.from(row.data, "base64"), contentType: row.contentType } : null;
}

/** Where a reward's picture is served; the hash in the path makes it cacheable forever. */
export function rewardImagePath(hash: string): string {
  return `/rewards/images/${hash}`;
}

export function rewardImageUrl(hash: string | null): string | null {
  return hash ? appUrl(rewardImagePath(hash)) : null;
}
