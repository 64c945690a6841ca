import { eq } from "drizzle-orm";
import { z } from "zod";
import { merchants, type Merchant } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { now, withTransaction, type Ctx } from "../context";
import { notFound } from "../errors";
import { recordEvents } from "../outbox";
import { brandColor, currencyCode, httpsUrl, logoDataUrl, phoneNumber, timeZone } from "./verbs";

export const SettingsInput = z
  .object({
    name: z.string().trim().min(1, "your business needs a name").max(80),
    brandColor,
    currency: currencyCode,
    timezone: timeZone,
    logoUrl: logoDataUrl.nullable().optional(),
    websiteUrl: httpsUrl.nullable().optional(),
    phone: phoneNumber.nullable().optional(),
    termsUrl: httpsUrl.nullable().optional(),
  })
  .strict();
export type SettingsInput = z.input<typeof SettingsInput>;

export async function updateSettings(ctx: Ctx, raw: SettingsInput): Promise<Merchant> {
  assertCan(ctx.actor, "settings:write");
  const input = SettingsInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const [before] = await tx.db.select().from(merchants).where(eq(merchants.id, ctx.merchantId));
    if (!before) throw notFound("Business");
    const [after] = await tx.db
      .update(merchants)
      .set({
        ...input,
        logoUrl: input.logoUrl === undefined ? before.logoUrl : input.logoUrl,
        websiteUrl: input.websiteUrl === undefined ? before.websiteUrl : input.websiteUrl,
        phone: input.phone === undefined ? before.phone : input.phone,
        termsUrl: input.termsUrl === undefined ? before.termsUrl : input.termsUrl,
        updatedAt: now(ctx),
      })
      .where(eq(merchants.id, ctx.merchantId))
      .returning();
    const changed: Record<string, unknown> = {};
    for (const k of ["name", "brandColor", "currency", "timezone", "websiteUrl", "phone", "termsUrl"] as const) if (before[k] !== after![k]) changed[k] = { from: before[k], to: after![k] };
    if (input.logoUrl !== undefined && input.logoUrl !== before.logoUrl) changed.logo = "changed";
    if (Object.keys(changed).length === 0) return after!;
    // What the passes show (name, colour, logo): re-sync every wallet card of the business.
    const shown = ["name", "brandColor", "logo", "websiteUrl", "phone", "termsUrl"].filter((k) => k in changed);
    if (shown.length > 0) await recordEvents(tx.db, ctx.merchantId, [{ type: "merchant.changed", payload: { fields: shown } }]);
    await audit(tx.db, ctx.merchantId, ctx.actor, "settings.updated", { type: "merchant", id: ctx.merchantId }, changed);
    return after!;
  });
}
