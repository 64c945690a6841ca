import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "../../db/client";
import { locations, memberships, merchants, users, type Merchant } from "../../db/schema";
import { audit } from "../audit/log";
import type { Actor, Ctx } from "../context";
import { notFound } from "../errors";
import { newId } from "../ids";
import { CurrencyCode } from "../money";
import { SafeMultilineText, SafeText } from "../input";

export async function merchantOf(ctx: Ctx): Promise<Merchant> {
  const [merchant] = await ctx.db.select().from(merchants).where(eq(merchants.id, ctx.merchantId));
  if (!merchant) throw notFound("Merchant");
  return merchant;
}

/** What makes a valid merchant setting: shared by onboarding, the settings page and the CLI. */
export const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "an IANA time zone such as Europe/Berlin");

export const currencyCode = z
  .string()
  .trim()
  .length(3, "a three-letter code such as USD or EUR")
  .toUpperCase()
  .refine((c) => CurrencyCode.safeParse(c).success, "an ISO 4217 currency code such as USD or EUR");

/** A link shown on the passes: https only (an empty field clears it). */
export const httpsUrl = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? null : typeof v === "string" ? v.trim() : v),
  z
    .string()
    .max(500)
    .refine((v) => {
      try {
        const u = new URL(v);
        return u.protocol === "https:" && u.hostname.includes(".") && !u.username && !u.password;
      } catch {
        return false;
      }
    }, "an https link, like https://example.com")
    .nullable(),
);

/** A phone number for the passes: digits with an optional leading + and spaces, dashes, dots or brackets (7 to 15 digits). */
export const phoneNumber = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? null : typeof v === "string" ? v.trim() : v),
  z
    .string()
    .max(30)
    .regex(/^\+?[0-9 ().-]+$/, "a phone number like +1 555 010 0199")
    .refine((v) => {
      const digits = v.replace(/\D/g, "").length;
      return digits >= 7 && digits <= 15;
    }, "a phone number like +1 555 010 0199")
    .nullable(),
);

export const brandColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "a colour like #3b2f2f");

/** A logo as a small PNG/JPEG/WebP/SVG data URL (the browser resizes it before upload). */
export const logoDataUrl = z
  .string()
  .max(200_000, "the logo is too large; use an image under 150 KB")
  .regex(/^data:image\/(png|jpeg|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/, "a PNG, JPEG, WebP or SVG image");

export const CreateMerchantInput = z.object({
  name: SafeText.trim().min(1).max(80),
  ownerEmail: z.email().toLowerCase(),
  ownerName: SafeText.trim().max(120).optional(),
  currency: currencyCode.default("USD"),
  timezone: timeZone.default("UTC"),
  brandColor: brandColor.default("#1f2937"),
  logoUrl: z.string().max(200_000).optional(),
  location: z
    .object({ name: SafeText.trim().min(1).max(80), address: SafeMultilineText.max(200).optional(), latitude: z.number().min(-90).max(90).optional(), longitude: z.number().min(-180).max(180).optional() })
    .optional(),
});
export type CreateMerchantInput = z.input<typeof CreateMerchantInput>;

/**
 * A new business with its owner (an existing user with that email, or a new one) and optionally a
 * first location. Used by onboarding and by the operators' CLI.
 */
export async function createMerchant(db: Executor, raw: CreateMerchantInput, actor?: Actor): Promise<{ merchant: Merchant; ownerId: string }> {
  const input = CreateMerchantInput.parse(raw);
  return (db as Exclude<Executor, never>).transaction(async (tx) => {
    const [merchant] = await tx
      .insert(merchants)
      .values({ id: newId("mer"), name: input.name, currency: input.currency, timezone: input.timezone, brandColor: input.brandColor, logoUrl: input.logoUrl ?? null })
      .returning();
    await tx.insert(users).values({ email: input.ownerEmail, name: input.ownerName ?? null }).onConflictDoNothing();
    const [owner] = await tx.select({ id: users.id }).from(users).where(eq(users.email, input.ownerEmail));
    await tx.insert(memberships).values({ id: newId("mem"), merchantId: merchant!.id, userId: owner!.id, role: "owner" });
    if (input.location) await tx.insert(locations).values({ id: newId("loc"), merchantId: merchant!.id, ...input.location });
    await audit(tx, merchant!.id, actor ?? { type: "user", id: owner!.id, role: "owner" }, "merchant.created", { type: "merchant", id: merchant!.id }, { name: input.name });
    return { merchant: merchant!, ownerId: owner!.id };
  });
}
