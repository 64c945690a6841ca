/** Largest side of an uploaded reward picture, in pixels, and the most bytes the server takes. */
const SIDE = 512;
const MAX_BYTES = 256 * 1024;

/** Scales a chosen picture down in the browser and returns it as a PNG or JPEG data URL. */
export async function toRewardImage(file: File): Promise<string> {
  if (!/^image\/(png|jpeg|webp)$/.test(file.type)) throw new Error("Choose a PNG or JPEG picture.");
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext("2d")!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  // Photos as JPEG (small); a PNG stays PNG, keeping its transparency.
  const url = file.type === "image/png" ? canvas.toDataURL("image/png") : canvas.toDataURL("image/jpeg", 0.85);
  if ((url.length - url.indexOf(",") - 1) * 0.75 > MAX_BYTES) throw new Error("That picture is too large even scaled down; use a simpler one.");
  return url;
}

/** A date input's value (a day, UTC) for the start of a window, and back. */
export const fromDay = (day: string) => (day ? `${day}T00:00:00.000Z` : null);
/** The window's end is exclusive: the last day chosen ends at the next midnight. */
export const untilDay = (day: string) => (day ? new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString() : null);
export const dayOfFrom = (iso: string | null) => (iso ? iso.slice(0, 10) : "");
export const dayOfUntil = (iso: string | null) => (iso ? new Date(Date.parse(iso) - 1).toISOString().slice(0, 10) : "");
