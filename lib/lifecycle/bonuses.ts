import { and, eq, gt, isNotNull, isNull } from "drizzle-orm";
import { sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { bonusGrants, cards, customers, lifecycleSettings, merchants, programs } from "../../db/schema";
import { utcToZoned } from "../campaigns/time";
import { cardLinks } from "../cards/links";
import { systemActor, type Ctx } from "../context";
import { sendMarketingEmail } from "../email";
import { campaignEmail } from "../email/templates/campaign";
import { translator } from "../i18n";
import { creditMany } from "../ledger/bulk";

/*
 * Daily lifecycle bonuses, set per program in lifecycle_settings. Both are set-based (lib/ledger/bulk.ts)
 * and keyed, so running them twice a day, or every hour, pays once.
 */

async function activePrograms(db: Executor, column: "birthday" | "winback") {
  const rows = await db
    .select({ settings: lifecycleSettings, program: programs, timezone: merchants.timezone, merchantName: merchants.name, brandColor: merchants.brandColor })
    .from(lifecycleSettings)
    .innerJoin(programs, eq(programs.id, lifecycleSettings.programId))
    .innerJoin(merchants, eq(merchants.id, programs.merchantId))
    .where(
      and(
        eq(programs.status, "active"),
        column === "birthday" ? gt(lifecycleSettings.birthdayBonus, 0) : and(gt(lifecycleSettings.winbackBonus, 0), isNotNull(lifecycleSettings.winbackDays)),
      ),
    );
  return rows;
}

const jobCtx = (db: Executor, merchantId: string, at: Date): Ctx => ({ db, merchantId, actor: systemActor("lifecycle"), source: "job", now: () => at });

/** Credits the birthday bonus to members whose birthday is today in the merchant's time zone (29 Feb counts on 28 Feb in other years). */
export async function grantBirthdayBonuses(db: Executor, at: Date): Promise<{ cards: number; points: number }> {
  let total = { cards: 0, points: 0 };
  for (const row of await activePrograms(db, "birthday")) {
    const today = utcToZoned(at, row.timezone).slice(0, 10);
    const year = Number(today.slice(0, 4));
    const leap = new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 1;
    const mmdd = today.slice(5);
    const also = !leap && mmdd === "02-28" ? "02-29" : mmdd;
    const result = await creditMany(jobCtx(db, row.program.merchantId, at), {
      program: row.program,
      grantKey: `birthday:${year}`,
      points: row.settings.birthdayBonus,
      audience: sql`exists (select 1 from customers cu where cu.id = c.customer_id and cu.erased_at is null
                            and to_char(cu.birthday, 'MM-DD') in (${mmdd}, ${also}))`,
      details: { reason: "birthday" },
    });
    total = { cards: total.cards + result.credited, points: total.points + result.points };
  }
  return total;
}

/**
 * Win-back: members inactive for the program's N days get a bonus, once per spell of inactivity
 * (a visit starts a new spell), and an email offering to come back when they accepted marketing.
 */
export async function grantWinbackBonuses(db: Executor, at: Date): Promise<{ cards: number; points: number; emailed: number }> {
  const total = { cards: 0, points: 0, emailed: 0 };
  for (const row of await activePrograms(db, "winback")) {
    const days = row.settings.winbackDays!;
    const key = `winback:${at.toISOString().slice(0, 10)}`;
    const result = await creditMany(jobCtx(db, row.program.merchantId, at), {
      program: row.program,
      grantKey: key,
      points: row.settings.winbackBonus,
      audience: sql`c.last_activity_at <= ${new Date(at.getTime() - days * 86_400_000).toISOString()}::timestamptz
        and not exists (select 1 from bonus_grants g where g.card_id = c.id and g.key like 'winback:%' and g.created_at >= c.last_activity_at)`,
      details: { reason: "winback", inactiveDays: days },
    });
    total.cards += result.credited;
    total.points += result.points;
    const granted = await db
      .select({ card: cards, customer: customers })
      .from(bonusGrants)
      .innerJoin(cards, eq(cards.id, bonusGrants.cardId))
      .innerJoin(customers, eq(customers.id, cards.customerId))
      .where(and(eq(bonusGrants.key, key), eq(cards.programId, row.program.id), isNotNull(customers.marketingConsentAt), isNull(customers.erasedAt)));
    for (const { card, customer } of granted) {
      const tr = translator(customer.language);
      const sent = await sendMarketingEmail(db, {
        customerId: customer.id,
        kind: "winback",
        dedupeKey: `${key}:${card.id}`,
        compose: ({ unsubscribe }) =>
          campaignEmail({
            merchantName: row.merchantName,
            brandColor: row.brandColor,
            subject: tr.t("email.winback.subject", { merchant: row.merchantName }),
            message: tr.t("email.winback.message", { count: row.settings.winbackBonus, program: row.program.name }),
            offer: tr.t("email.offer.bonus", { count: row.settings.winbackBonus }),
            customerName: customer.name,
            cardUrl: cardLinks(card).card,
            language: tr.lang,
            unsubscribeUrl: unsubscribe,
          }),
      });
      if (sent.email && !sent.duplicate) total.emailed++;
    }
  }
  return total;
}
