import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Executor } from "../../db/client";
import { memberships, merchants, users } from "../../db/schema";
import { assertCan } from "../auth/permissions";
import type { Ctx } from "../context";
import { AppError } from "../errors";
import { sendEmail } from "../email";
import { weeklyDigestEmail, type DigestNumbers } from "../email/templates/weekly-digest";
import { env } from "../env";
import { isoWeek } from "../fraud/rules";
import { formatMoney } from "../money";

const DAY = 86_400_000;

export const WeeklyDigestInput = z.object({ enabled: z.boolean() }).strict();

/** Whether the signed-in owner gets the weekly digest of this business. */
export async function weeklyDigestSetting(ctx: Ctx): Promise<boolean> {
  assertCan(ctx.actor, "digest:manage");
  const [row] = await ctx.db
    .select({ on: memberships.weeklyDigest })
    .from(memberships)
    .where(and(eq(memberships.merchantId, ctx.merchantId), eq(memberships.userId, ctx.actor.id)));
  return row?.on ?? false;
}

/** An owner turns their own weekly digest on or off (each owner decides for themselves). */
export async function setWeeklyDigest(ctx: Ctx, raw: z.input<typeof WeeklyDigestInput>): Promise<{ enabled: boolean }> {
  assertCan(ctx.actor, "digest:manage");
  const { enabled } = WeeklyDigestInput.parse(raw);
  if (ctx.actor.type !== "user") throw new AppError("forbidden", "Only a team member has a digest to turn on or off.");
  const updated = await ctx.db
    .update(memberships)
    .set({ weeklyDigest: enabled })
    .where(and(eq(memberships.merchantId, ctx.merchantId), eq(memberships.userId, ctx.actor.id)))
    .returning({ id: memberships.id });
  if (updated.length === 0) throw new AppError("not_found", "You are not a member of this business.");
  return { enabled };
}

/** Monday 00:00 UTC of the week `at` falls in. */
export function weekStart(at: Date): Date {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY);
}

/** Last week's numbers of one business, Monday to Monday (UTC). */
export async function digestNumbers(db: Executor, merchantId: string, from: Date, to: Date): Promise<DigestNumbers> {
  const f = sql`${from.toISOString()}::timestamptz`;
  const t = sql`${to.toISOString()}::timestamptz`;
  const [row] = await queryRows<Record<string, number>>(
    db,
    sql`select
      (select count(*) from cards where merchant_id = ${merchantId} and created_at >= ${f} and created_at < ${t})::int as new_members,
      (select count(*) from ledger_entries where merchant_id = ${merchantId} and kind = 'earn' and created_at >= ${f} and created_at < ${t})::int as earns,
      (select coalesce(sum(amount), 0) from ledger_entries where merchant_id = ${merchantId} and kind in ('earn', 'bonus') and created_at >= ${f} and created_at < ${t})::int as issued,
      (select coalesce(-sum(amount), 0) from ledger_entries where merchant_id = ${merchantId} and kind = 'redeem' and created_at >= ${f} and created_at < ${t})::int as redeemed,
      (select count(*) from vouchers where merchant_id = ${merchantId} and redeemed_at >= ${f} and redeemed_at < ${t})::int as vouchers,
      (select count(*) from fraud_flags where merchant_id = ${merchantId} and status = 'open')::int as open_flags,
      (select count(*) from cards where merchant_id = ${merchantId} and held_by_flag_id is not null)::int as held`,
  );
  const revenue = await queryRows<{ currency: string; total: string }>(
    db,
    sql`select details->'purchase'->>'currency' as currency, sum((details->'purchase'->>'amount')::bigint)::text as total
        from ledger_entries where merchant_id = ${merchantId} and kind = 'earn' and details->'purchase'->>'amount' is not null
          and created_at >= ${f} and created_at < ${t}
        group by 1 order by 1`,
  );
  const last = new Date(to.getTime() - DAY);
  return {
    weekLabel: `the week of ${from.toISOString().slice(0, 10)} to ${last.toISOString().slice(0, 10)}`,
    newMembers: Number(row!.new_members),
    earns: Number(row!.earns),
    pointsIssued: Number(row!.issued),
    pointsRedeemed: Number(row!.redeemed),
    vouchersRedeemed: Number(row!.vouchers),
    revenue: revenue.map((r) => formatMoney(Number(r.total), r.currency)),
    openFlags: Number(row!.open_flags),
    heldCards: Number(row!.held),
  };
}

/**
 * Sends last week's digest to every owner who has not turned it off, once per owner and week:
 * the email's dedupe key names the week, so a second run (a retry, a manual run) sends nothing.
 */
export async function sendWeeklyDigests(db: Executor, at = new Date()): Promise<{ sent: number; skipped: number }> {
  const to = weekStart(at);
  const from = new Date(to.getTime() - 7 * DAY);
  const week = isoWeek(from);
  const owners = await db
    .select({ merchantId: merchants.id, merchantName: merchants.name, brandColor: merchants.brandColor, userId: users.id, email: users.email, on: memberships.weeklyDigest })
    .from(memberships)
    .innerJoin(merchants, eq(merchants.id, memberships.merchantId))
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.role, "owner"));
  const base = env.APP_URL.replace(/\/$/, "");
  const numbers = new Map<string, DigestNumbers>();
  let sent = 0;
  let skipped = 0;
  for (const owner of owners) {
    if (!owner.on || !owner.email) {
      skipped++;
      continue;
    }
    let stats = numbers.get(owner.merchantId);
    if (!stats) numbers.set(owner.merchantId, (stats = await digestNumbers(db, owner.merchantId, from, to)));
    const { duplicate } = await sendEmail(db, {
      to: owner.email,
      ...weeklyDigestEmail({
        ...stats,
        merchantName: owner.merchantName,
        brandColor: owner.brandColor,
        dashboardUrl: `${base}/dashboard`,
        flagsUrl: `${base}/dashboard/flags`,
        settingsUrl: `${base}/dashboard/reports`,
      }),
      kind: "weekly_digest",
      merchantId: owner.merchantId,
      dedupeKey: `weekly_digest:${owner.merchantId}:${owner.userId}:${week}`,
    });
    if (duplicate) skipped++;
    else sent++;
  }
  return { sent, skipped };
}
