import { eq } from "drizzle-orm";
import { z } from "zod";
import { users } from "../../db/schema";
import { appUrl } from "../env";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { now, type Ctx } from "../context";
import { sendEmail } from "../email";
import { campaignEmail } from "../email/templates/campaign";
import { AppError } from "../errors";
import { EntityId, randomString } from "../ids";
import { Language } from "../i18n";
import { merchantOf } from "../merchants/verbs";
import { loadProgram } from "../programs/verbs";
import { rateLimited, checkRateLimit } from "../rate-limit";
import { describeOffer } from "./run";
import { loadCampaign } from "./verbs";

export const PreviewInput = z
  .object({ campaignId: EntityId, language: Language.default("en") })
  .strict();

/**
 * The campaign's announcement email as a member would receive it, in `language`, addressed to a
 * sample member. What the dashboard shows before the campaign goes out.
 */
export async function previewCampaignEmail(ctx: Ctx, raw: z.input<typeof PreviewInput>): Promise<{ subject: string; html: string; text: string }> {
  assertCan(ctx.actor, "campaigns:read");
  const { campaignId, language } = PreviewInput.parse(raw);
  const campaign = await loadCampaign(ctx, campaignId);
  if (!campaign.announcement) throw new AppError("conflict", "This campaign has no announcement to preview.");
  const merchant = await merchantOf(ctx);
  const program = await loadProgram(ctx, campaign.programId);
  return campaignEmail({
    merchantName: merchant.name,
    brandColor: merchant.brandColor,
    subject: campaign.announcement.subject,
    message: campaign.announcement.message,
    offer: describeOffer(campaign, merchant.timezone, program, language),
    customerName: "Alex",
    // A sample card page: the real one is each member's own.
    cardUrl: appUrl("/c/sample"),
    // Each member's own one-click unsubscribe link goes here; the preview shows where it sits.
    unsubscribeUrl: appUrl("/email/unsubscribe/sample"),
    language,
  });
}

/**
 * Sends the preview to the signed-in marketer's own address (never to anyone else), marked as a
 * test in the subject. Rate limited like sign-in emails.
 */
export async function sendTestCampaignEmail(ctx: Ctx, raw: z.input<typeof PreviewInput>): Promise<{ to: string }> {
  assertCan(ctx.actor, "campaigns:write");
  if (ctx.actor.type !== "user") throw new AppError("forbidden", "A test email goes to a signed-in person's own address.");
  const [user] = await ctx.db.select({ email: users.email }).from(users).where(eq(users.id, ctx.actor.id));
  if (!user?.email) throw new AppError("conflict", "Your account has no email address.");
  const limit = await checkRateLimit("campaignTestEmail", `test:${ctx.actor.id}`);
  if (!limit.success) throw rateLimited(limit);
  const message = await previewCampaignEmail(ctx, raw);
  const { campaignId } = PreviewInput.parse(raw);
  await sendEmail(ctx.db, {
    to: user.email,
    subject: `[Test] ${message.subject}`,
    html: message.html,
    text: message.text,
    kind: "campaign_test",
    merchantId: ctx.merchantId,
    dedupeKey: `campaign-test:${campaignId}:${now(ctx).getTime()}:${randomString(6)}`,
  });
  await audit(ctx.db, ctx.merchantId, ctx.actor, "campaign.test_sent", { type: "campaign", id: campaignId }, { to: user.email });
  return { to: user.email };
}
