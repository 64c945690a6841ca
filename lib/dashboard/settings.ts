import { desc, eq, lt, and } from "drizzle-orm";
import { z } from "zod";
import { auditLog, merchants, users, type Merchant } from "../../db/schema";
import { audit } from "../audit";
import { assertCan } from "../auth/permissions";
import { now, withTransaction, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { timeZone } from "../merchants";
import { CurrencyCode } from "../money";
import { recordEvents } from "../outbox";

// One definition of a valid time zone, owned by the merchant verbs; re-exported for the forms here.
export { timeZone };

export const currencyCode = z
  .string()
  .trim()
  .length(3, "a three-letter code such as USD or EUR")
  .toUpperCase()
  .refine((c) => CurrencyCode.safeParse(c).success, "an ISO 4217 currency code such as USD or EUR");

export const brandColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "a colour like #3b2f2f");

/** A logo as a small PNG/JPEG/WebP/SVG data URL (the browser resizes it before upload). */
export const logoDataUrl = z
  .string()
  .max(200_000, "the logo is too large; use an image under 150 KB")
  .regex(/^data:image\/(png|jpeg|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/, "a PNG, JPEG, WebP or SVG image");

export const SettingsInput = z
  .object({
    name: z.string().trim().min(1, "your business needs a name").max(80),
    brandColor,
    currency: currencyCode,
    timezone: timeZone,
    logoUrl: logoDataUrl.nullable().optional(),
  })
  .strict();
export type SettingsInput = z.infer<typeof SettingsInput>;

export async function updateSettings(ctx: Ctx, input: SettingsInput): Promise<Merchant> {
  assertCan(ctx.actor, "settings:write");
  return withTransaction(ctx, async (tx) => {
    const [before] = await tx.db.select().from(merchants).where(eq(merchants.id, ctx.merchantId));
    if (!before) throw notFound("Business");
    const [after] = await tx.db
      .update(merchants)
      .set({ ...input, logoUrl: input.logoUrl === undefined ? before.logoUrl : input.logoUrl, updatedAt: now(ctx) })
      .where(eq(merchants.id, ctx.merchantId))
      .returning();
    const changed: Record<string, unknown> = {};
    for (const k of ["name", "brandColor", "currency", "timezone"] as const) if (before[k] !== after![k]) changed[k] = { from: before[k], to: after![k] };
    if (input.logoUrl !== undefined && input.logoUrl !== before.logoUrl) changed.logo = "changed";
    if (Object.keys(changed).length === 0) return after!;
    // What the passes show (name, colour, logo): re-sync every wallet card of the business.
    const shown = ["name", "brandColor", "logo"].filter((k) => k in changed);
    if (shown.length > 0) await recordEvents(tx.db, ctx.merchantId, [{ type: "merchant.changed", payload: { fields: shown } }]);
    await audit(tx.db, ctx.merchantId, ctx.actor, "settings.updated", { type: "merchant", id: ctx.merchantId }, changed);
    return after!;
  });
}

export type AuditRow = typeof auditLog.$inferSelect & { actorEmail: string | null };

/** The audit log, newest first, 50 at a time before `before`. */
export async function listAudit(ctx: Ctx, opts: { before?: Date } = {}): Promise<AuditRow[]> {
  assertCan(ctx.actor, "audit:read");
  if (opts.before && Number.isNaN(opts.before.getTime())) throw new AppError("invalid", "That page of the log does not exist.");
  const rows = await ctx.db
    .select({ entry: auditLog, actorEmail: users.email })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(eq(auditLog.merchantId, ctx.merchantId), opts.before ? lt(auditLog.createdAt, opts.before) : undefined))
    .orderBy(desc(auditLog.createdAt))
    .limit(50);
  return rows.map((r) => ({ ...r.entry, actorEmail: r.actorEmail }));
}
