import { and, eq, gt, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";
import { bonusGrants, cards, customers, lifecycleSettings, merchants, programs, type Program } from "../../db/schema";
import { cardLinks } from "../cards/links";
import { now, systemActor, withTransaction, type Ctx } from "../context";
import { sendMarketingEmail } from "../email";
import { campaignEmail } from "../email/templates/campaign";
import { translator } from "../i18n";
import { creditMany } from "../ledger/bulk";
import { lockCard } from "../ledger/core";
import { issueVoucher } from "../vouchers/issue";
import { birthdayDays } from "./calendar";

/*
 * Daily lifecycle bonuses (birthday and win-back automations), set per program in lifecycle_settings. Both are set-based (lib/ledger/bulk.ts)
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
        column === "birthday"
          ? and(eq(lifecycleSettings.birthdayEnabled, true), or(gt(lifecycleSettings.birthdayBonus, 0), isNotNull(lifecycleSettings.birthdayRewardId)))
          : and(eq(lifecycleSettings.winbackEnabled, true), gt(lifecycleSettings.winbackBonus, 0), isNotNull(lifecycleSettings.winbackDays)),
      ),
    );
  return rows;
}

const jobCtx = (db: Executor, merchantId: string, at: Date): Ctx => ({ db, merchantId, actor: systemActor("lifecycle"), source: "job", now: () => at });

/**
 * Birthday bonuses: members whose birthday falls between today and the program's `daysBefore` days
 * ahead (in the merchant's time zone; 29 February counts on 28 February in other years) get the
 * points, or a voucher for the chosen reward, once per birthday (grant `birthday:<year>`). A member
 * who joins inside that window still gets it; a day the job did not run is caught up the next hour.
 */
export async function grantBirthdayBonuses(db: Executor, at: Date): Promise<{ cards: number; points: number; vouchers: number }> {
  const total = { cards: 0, points: 0, vouchers: 0 };
  for (const row of await activePrograms(db, "birthday")) {
    const days = birthdayDays(at, row.timezone, 0, row.settings.birthdayDaysBefore + 1);
    const ctx = jobCtx(db, row.program.merchantId, at);
    for (const year of [...new Set(days.map((d) => d.year))]) {
      const mmdds = days.filter((d) => d.year === year).map((d) => sql`${d.mmdd}`);
      const audience = sql`exists (select 1 from customers cu where cu.id = c.customer_id and cu.erased_at is null
                            and to_char(cu.birthday, 'MM-DD') in (${sql.join(mmdds, sql`, `)}))`;
      const grantKey = `birthday:${year}`;
      if (row.settings.birthdayRewardId) {
        const issued = await issueBirthdayVouchers(ctx, row.program, row.settings.birthdayRewardId, grantKey, audience);
        total.cards += issued;
        total.vouchers += issued;
      } else {
        const result = await creditMany(ctx, { program: row.program, grantKey, points: row.settings.birthdayBonus, audience, details: { reason: "birthday" } });
        total.cards += result.credited;
        total.points += result.points;
      }
    }
  }
  return total;
}

/** A voucher for `rewardId` on every card of the audience without the grant yet; each card in its own transaction, the grant row first. */
async function issueBirthdayVouchers(ctx: Ctx, program: Program, rewardId: string, grantKey: string, audience: SQL): Promise<number> {
  const due = await queryRows<{ id: string }>(
    ctx.db,
    sql`select c.id from cards c where c.merchant_id = ${ctx.merchantId} and c.program_id = ${program.id} and c.status = 'active' and (${audience})
        and not exists (select 1 from bonus_grants g where g.key = ${grantKey} and g.card_id = c.id) order by c.id`,
  );
  let issued = 0;
  for (const { id } of due) {
    const done = await withTransaction(ctx, async (tx) => {
      const [grant] = await tx.db
        .insert(bonusGrants)
        .values({ key: grantKey, cardId: id, merchantId: ctx.merchantId, entryId: "none", points: 0, createdAt: now(ctx) })
        .onConflictDoNothing()
        .returning();
      if (!grant) return false;
      const card = await lockCard(tx, id);
      const voucher = await issueVoucher(tx, card, { rewardId, entryId: null, fallbackTitle: "Birthday gift" });
      await tx.db.update(bonusGrants).set({ voucherId: voucher.id }).where(and(eq(bonusGrants.key, grantKey), eq(bonusGrants.cardId, id)));
      return true;
    });
    if (done) issued++;
  }
  return issued;
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
