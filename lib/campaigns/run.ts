import { and, asc, eq, gt, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";
import { campaignMembers, campaigns, cards, customers, merchants, segments, type Campaign, type Program } from "../../db/schema";
import { cardLinks } from "../cards/links";
import { systemActor, withTransaction, type Ctx } from "../context";
import { sendMarketingEmail } from "../email";
import { campaignEmail } from "../email/templates/campaign";
import { translator, type Language } from "../i18n";
import { creditMany } from "../ledger/bulk";
import { loadProgram } from "../programs/verbs";
import { announceEvents, recordEvents } from "../outbox";
import { segmentCardsSql } from "../segments/sql";
import { segmentEnv, storedDefinition } from "../segments/verbs";
import { holdoutSql } from "./holdout";
import { rfmGroupAudienceSql } from "../insights/rfm";
import { utcToZoned } from "./time";

/*
 * The steps of a campaign's life, called by jobs/campaign-lifecycle.ts. Each checks the
 * campaign's status and schedule version first, so a cancelled or rescheduled campaign does
 * nothing, and each is safe to run again.
 */

function jobCtx(db: Executor, campaign: Pick<Campaign, "merchantId">, at?: Date): Ctx {
  return { db, merchantId: campaign.merchantId, actor: systemActor("campaigns"), source: "job", now: at ? () => at : undefined };
}

async function byId(db: Executor, campaignId: string, lock = false): Promise<Campaign | null> {
  const q = db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  const [row] = lock ? await q.for("update") : await q;
  return row ?? null;
}

/**
 * Whether the campaign's audience is fixed when it starts (stored in campaign_members): every
 * audience but `everyone`, and `everyone` too when there is a holdout to draw.
 */
export function fixesAudience(campaign: Pick<Campaign, "audience" | "holdoutPercent">): boolean {
  return campaign.audience.kind !== "everyone" || campaign.holdoutPercent > 0;
}

/** Cards the campaign treats (its audience less the holdout), as a condition over alias `c`. */
function audienceCondition(campaign: Campaign, cardId: SQL | AnyColumn = sql`c.id`): SQL {
  if (!fixesAudience(campaign)) return sql`true`;
  return sql`exists (select 1 from campaign_members cm where cm.campaign_id = ${campaign.id} and cm.card_id = ${cardId} and not cm.holdout)`;
}

type Activation = { ok: true; bonusCards: number; bonusPoints: number } | { ok: false; reason: string };

/**
 * Starts the campaign: fixes its audience (everything but `everyone` is resolved now), marks it
 * active, and pays a one-off bonus to the audience in batches, once per card.
 */
export async function activateCampaign(db: Executor, campaignId: string, scheduleVersion: number, at = new Date()): Promise<Activation> {
  const state = await withTransaction(jobCtx(db, { merchantId: "" }), async (tx) => {
    const campaign = await byId(tx.db, campaignId, true);
    if (!campaign) return { ok: false as const, reason: "gone" };
    if (campaign.scheduleVersion !== scheduleVersion) return { ok: false as const, reason: "rescheduled" };
    if (campaign.status === "active") return { ok: true as const, campaign };
    if (campaign.status !== "scheduled") return { ok: false as const, reason: campaign.status };
    if (campaign.endsAt.getTime() <= at.getTime()) return { ok: false as const, reason: "window passed" };
    const { timezone } = (await tx.db.select({ timezone: merchants.timezone }).from(merchants).where(eq(merchants.id, campaign.merchantId)))[0]!;
    if (fixesAudience(campaign)) {
      const who = (await audienceSql(tx.db, campaign, at, timezone)) ?? sql`true`;
      // The holdout is drawn here, once, and stored: see holdout.ts.
      await tx.db.execute(sql`
        insert into campaign_members (campaign_id, card_id, holdout)
        select ${campaign.id}, c.id, ${holdoutSql(campaign.id, sql`c.id`, campaign.holdoutPercent)} from cards c
        where c.program_id = ${campaign.programId} and c.merchant_id = ${campaign.merchantId} and c.status = 'active' and (${who})
        on conflict do nothing`);
    }
    const [active] = await tx.db.update(campaigns).set({ status: "active", activatedAt: at, updatedAt: at }).where(eq(campaigns.id, campaign.id)).returning();
    // Who was drawn (treated and holdout alike); null for `everyone` without a holdout, which is never fixed.
    const [drawn] = fixesAudience(campaign)
      ? await tx.db.select({ n: sql<number>`count(*)::int` }).from(campaignMembers).where(eq(campaignMembers.campaignId, campaign.id))
      : [null];
    await recordEvents(tx.db, campaign.merchantId, [
      { type: "campaign.started", payload: { campaignId: campaign.id, programId: campaign.programId, name: campaign.name, members: drawn ? Number(drawn.n) : null } },
    ]);
    return { ok: true as const, campaign: active! };
  });
  if (!state.ok) return state;
  const { campaign } = state;
  if (campaign.effect.kind !== "bonus") return { ok: true, bonusCards: 0, bonusPoints: 0 };
  const ctx = jobCtx(db, campaign, at);
  const program = await loadProgram(ctx, campaign.programId);
  const paid = await creditMany(ctx, {
    program,
    grantKey: `campaign:${campaign.id}`,
    points: campaign.effect.points,
    audience: audienceCondition(campaign),
    reference: campaign.id,
    details: { campaignId: campaign.id, campaign: campaign.name },
    budgetCampaignId: campaign.id,
  });
  return { ok: true, bonusCards: paid.credited, bonusPoints: paid.points };
}

/**
 * The campaign's audience as a condition over alias `c` (cards of its program); null for everyone.
 * A saved segment is evaluated now, from its rule (lib/segments).
 */
export async function audienceSql(db: Executor, campaign: Pick<Campaign, "audience" | "merchantId" | "programId">, at: Date, timezone: string): Promise<SQL | null> {
  const a = campaign.audience;
  switch (a.kind) {
    case "everyone":
      return null;
    case "tier":
      return sql`c.tier = ${a.tier}`;
    case "inactive":
      return sql`c.last_activity_at <= ${new Date(at.getTime() - a.days * 86_400_000).toISOString()}::timestamptz`;
    case "birthday_month":
      return sql`exists (select 1 from customers cu where cu.id = c.customer_id and cu.erased_at is null
                         and extract(month from cu.birthday) = ${Number(utcToZoned(at, timezone).slice(5, 7))}::int)`;
    case "segment": {
      const [segment] = await db
        .select()
        .from(segments)
        .where(and(eq(segments.id, a.segmentId), eq(segments.merchantId, campaign.merchantId)));
      // Deleting a segment a campaign targets is refused; one gone anyway reaches nobody.
      if (!segment) return sql`false`;
      const env = { ...(await segmentEnv(db, campaign.merchantId, at)), merchantId: campaign.merchantId, programId: campaign.programId };
      return sql`c.id in (${segmentCardsSql(storedDefinition(segment), env)})`;
    }
    case "rfm_group":
      return rfmGroupAudienceSql(campaign.programId, a.group, at);
  }
}

/**
 * Announces the campaign to up to `limit` audience cards after `afterCardId`: a wallet message for
 * every card (one outbox event per card and campaign, keyed so a rerun adds none) and an email to
 * customers who accepted marketing (keyed per card and campaign).
 */
export async function announceCampaign(db: Executor, campaignId: string, afterCardId: string, limit = 500): Promise<{ lastId: string | null; count: number; emailed: number; skipped?: string }> {
  const campaign = await byId(db, campaignId);
  if (!campaign || campaign.status !== "active") return { lastId: null, count: 0, emailed: 0, skipped: campaign?.status ?? "gone" };
  const announcement = campaign.announcement;
  if (!announcement || (!announcement.email && !announcement.wallet)) return { lastId: null, count: 0, emailed: 0 };
  const batch = await db
    .select({ card: cards, customer: customers })
    .from(cards)
    .innerJoin(customers, eq(customers.id, cards.customerId))
    .where(and(eq(cards.programId, campaign.programId), eq(cards.status, "active"), gt(cards.id, afterCardId), audienceCondition(campaign, cards.id)))
    .orderBy(asc(cards.id))
    .limit(limit);
  if (batch.length === 0) return { lastId: null, count: 0, emailed: 0 };
  const [merchant] = await db.select().from(merchants).where(eq(merchants.id, campaign.merchantId));
  const program = await loadProgram(jobCtx(db, campaign), campaign.programId);
  const offerIn = (language: Language) => describeOffer(campaign, merchant!.timezone, program, language);

  if (announcement.wallet) {
    // Each holder reads the offer in their own language.
    const items = JSON.stringify(batch.map((b) => ({ card_id: b.card.id, body: offerIn(b.customer.language) })));
    await withTransaction(jobCtx(db, campaign), async (tx) => {
      const inserted = await queryRows<{ id: string }>(
        tx.db,
        sql`
        with ins as (
          insert into outbox_events (id, merchant_id, type, payload)
          select 'evt_' || substr(md5(${campaign.id} || ':' || x.card_id), 1, 20), ${campaign.merchantId}, 'wallet.message_requested',
                 jsonb_build_object('cardId', x.card_id, 'programId', ${campaign.programId}::text, 'title', ${announcement.subject}::text,
                                    'body', x.body, 'reason', ${`campaign:${campaign.id}`}::text)
          from jsonb_to_recordset(${items}::jsonb) as x(card_id text, body text)
          on conflict (id) do nothing
          returning id
        )
        select id from ins`,
      );
      announceEvents(tx.db, campaign.merchantId, inserted.map((r) => r.id));
    });
  }
  let emailed = 0;
  if (announcement.email) {
    for (const { card, customer } of batch) {
      if (!customer.marketingConsentAt || customer.erasedAt) continue;
      // The preference is checked again as the email goes out (sendMarketingEmail): a customer who
      // unsubscribed while this batch ran gets nothing.
      const sent = await sendMarketingEmail(db, {
        customerId: customer.id,
        kind: "campaign",
        dedupeKey: `campaign:${campaign.id}:${card.id}`,
        compose: ({ unsubscribe }) =>
          campaignEmail({
            merchantName: merchant!.name,
            brandColor: merchant!.brandColor,
            subject: announcement.subject,
            message: announcement.message,
            offer: offerIn(customer.language),
            customerName: customer.name,
            cardUrl: cardLinks(card).card,
            language: customer.language,
            unsubscribeUrl: unsubscribe,
          }),
      });
      if (sent.email && !sent.duplicate) emailed++;
    }
  }
  if (batch.length < limit) await db.update(campaigns).set({ announcedAt: new Date() }).where(eq(campaigns.id, campaign.id));
  return { lastId: batch.at(-1)!.card.id, count: batch.length, emailed };
}

/**
 * The offer in words, in `language` (the dashboard's English by default, a customer's own for their
 * email and pass); on a cashback program in money rather than points.
 */
export function describeOffer(campaign: Campaign, timezone: string, program?: Pick<Program, "kind" | "currency">, language: Language = "en"): string {
  const tr = translator(language);
  const until = tr.date(campaign.endsAt, { dateStyle: "medium", timeStyle: "short", timeZone: timezone });
  const cashback = program?.kind === "cashback";
  switch (campaign.effect.kind) {
    case "multiplier":
      return tr.t(cashback ? "email.offer.multiplier_cashback" : "email.offer.multiplier", { factor: campaign.effect.factor, date: until });
    case "double_stamps":
      return tr.t("email.offer.double_stamps", { date: until });
    case "bonus":
      return cashback
        ? tr.t("email.offer.bonus_cashback", { amount: tr.money(campaign.effect.points, program!.currency) })
        : tr.t("email.offer.bonus", { count: campaign.effect.points });
  }
}

/** Ends an active campaign (if this run's schedule is still the current one). */
export async function endCampaign(db: Executor, campaignId: string, scheduleVersion: number, at = new Date()): Promise<{ ended: boolean }> {
  return db.transaction(async (tx) => {
    const [ended] = await tx
      .update(campaigns)
      .set({ status: "ended", endedAt: at, updatedAt: at })
      .where(and(eq(campaigns.id, campaignId), eq(campaigns.status, "active"), eq(campaigns.scheduleVersion, scheduleVersion)))
      .returning();
    if (!ended) return { ended: false };
    await recordEvents(tx, ended.merchantId, [{ type: "campaign.ended", payload: { campaignId: ended.id, programId: ended.programId, name: ended.name, spent: ended.spent } }]);
    return { ended: true };
  });
}
