import { and, asc, eq, gte, isNull, sql } from "drizzle-orm";
import { queryRows, type Executor } from "../../db/client";
import { cards, customers, expiryReminders, merchants, programs, rewards } from "../../db/schema";
import { cardLinks } from "../cards/links";
import { withTransaction, systemActor } from "../context";
import { sendEmail } from "../email";
import { translator } from "../i18n";
import { expiryReminderEmail } from "../email/templates/expiry-reminder";
import { recordEvents } from "../outbox";

const DAY = 86_400_000;

type Due = { card_id: string; merchant_id: string; program_id: string; expires_on: string; expires_at: Date | string; amount: number; reminder_days: number[] };

/** Which reminder window a date `daysLeft` away falls in: the narrowest window that contains it. */
function reminderWindow(reminderDays: number[], msLeft: number): number | null {
  const fits = reminderDays.filter((d) => msLeft <= d * DAY).sort((a, b) => a - b);
  return fits[0] ?? null;
}

/**
 * The daily reminder pass. Points expiring on one day on one card get one reminder per window of
 * the program (for example 14 and 3 days before): the reminder row is claimed together with the
 * wallet message in one transaction, then the email goes out with a key made of card, day and
 * window. Running it again on the same day claims nothing new and sends nothing twice; an email
 * that did not go out (a crash, Resend away) is sent by the next run.
 */
export async function sendExpiryReminders(db: Executor, at: Date): Promise<{ claimed: number; emailed: number; failed: number }> {
  const due = await queryRows<Due>(
    db,
    sql`
    with windows as (
      select p.id, p.reminder_days, (select coalesce(max(x::int), 0) from jsonb_array_elements_text(p.reminder_days) x) as max_days, m.timezone
      from programs p join merchants m on m.id = p.merchant_id where p.status = 'active' and p.expiry->>'kind' <> 'never'
    ),
    lots as (
      select c.id as card_id, c.merchant_id, c.program_id, w.reminder_days, w.timezone, l.expires_at, l.remaining as amount
      from point_lots l join cards c on c.id = l.card_id join windows w on w.id = c.program_id
      where c.status = 'active' and l.expires_at > ${at.toISOString()}::timestamptz
        and l.expires_at <= ${at.toISOString()}::timestamptz + make_interval(days => w.max_days)
      union all
      select c.id, c.merchant_id, c.program_id, w.reminder_days, w.timezone,
             c.last_activity_at + make_interval(days => (p.expiry->>'days')::int), c.balance
      from cards c join programs p on p.id = c.program_id join windows w on w.id = p.id
      where p.expiry->>'kind' = 'inactivity' and c.balance > 0 and c.status = 'active'
        and c.last_activity_at + make_interval(days => (p.expiry->>'days')::int) > ${at.toISOString()}::timestamptz
        and c.last_activity_at + make_interval(days => (p.expiry->>'days')::int) <= ${at.toISOString()}::timestamptz + make_interval(days => w.max_days)
    )
    select card_id, merchant_id, program_id, reminder_days, to_char(expires_at at time zone timezone, 'YYYY-MM-DD') as expires_on,
           min(expires_at) as expires_at, sum(amount)::int as amount
    from lots group by card_id, merchant_id, program_id, reminder_days, to_char(expires_at at time zone timezone, 'YYYY-MM-DD')`,
  );

  let claimed = 0;
  for (const d of due) {
    const expiresAt = new Date(d.expires_at);
    const window = reminderWindow(d.reminder_days, expiresAt.getTime() - at.getTime());
    if (window === null) continue;
    const ctx = { db, merchantId: d.merchant_id, actor: systemActor("expiry-reminders"), source: "job" };
    await withTransaction(ctx, async (tx) => {
      const [row] = await tx.db
        .insert(expiryReminders)
        .values({ cardId: d.card_id, expiresOn: d.expires_on, windowDays: window, merchantId: d.merchant_id, amount: d.amount, createdAt: at })
        .onConflictDoNothing()
        .returning();
      if (!row) return;
      claimed++;
      // In the holder's language: the message shows as it is on the pass and in Google Wallet.
      const [holder] = await tx.db.select({ language: customers.language }).from(cards).innerJoin(customers, eq(customers.id, cards.customerId)).where(eq(cards.id, d.card_id));
      const tr = translator(holder?.language);
      const date = tr.date(new Date(`${d.expires_on}T12:00:00Z`), { dateStyle: "medium", timeZone: "UTC" });
      await recordEvents(tx.db, d.merchant_id, [
        {
          type: "wallet.message_requested",
          payload: {
            cardId: d.card_id,
            programId: d.program_id,
            title: tr.t("pass.msg.expiring.title"),
            body: tr.t("pass.msg.expiring.body", { count: d.amount, date }),
            reason: `expiry:${d.expires_on}:${window}`,
          },
        },
      ]);
    });
  }

  // Email every reminder of the last two days that has none yet (this run's, and any a crash left behind).
  const unsent = await db
    .select()
    .from(expiryReminders)
    .where(and(isNull(expiryReminders.emailId), gte(expiryReminders.createdAt, new Date(at.getTime() - 2 * DAY))))
    .orderBy(asc(expiryReminders.createdAt));
  let emailed = 0;
  let failed = 0;
  for (const reminder of unsent) {
    try {
      const emailId = await emailReminder(db, reminder);
      await db
        .update(expiryReminders)
        .set({ emailId: emailId ?? "none" })
        .where(and(eq(expiryReminders.cardId, reminder.cardId), eq(expiryReminders.expiresOn, reminder.expiresOn), eq(expiryReminders.windowDays, reminder.windowDays)));
      if (emailId) emailed++;
    } catch (error) {
      failed++;
      console.error("[reminders] email failed:", error instanceof Error ? error.message : error);
    }
  }
  return { claimed, emailed, failed };
}

async function emailReminder(db: Executor, r: typeof expiryReminders.$inferSelect): Promise<string | null> {
  const [row] = await db
    .select({ card: cards, customer: customers, program: programs, merchant: merchants })
    .from(cards)
    .innerJoin(customers, eq(customers.id, cards.customerId))
    .innerJoin(programs, eq(programs.id, cards.programId))
    .innerJoin(merchants, eq(merchants.id, cards.merchantId))
    .where(eq(cards.id, r.cardId));
  if (!row || row.customer.erasedAt) return null;
  const available = await db
    .select({ name: rewards.name, cost: rewards.cost })
    .from(rewards)
    .where(and(eq(rewards.programId, row.program.id), eq(rewards.active, true), sql`(${rewards.inventory} is null or ${rewards.inventory} > 0)`))
    .orderBy(asc(rewards.cost));
  const affordable = available.filter((x) => x.cost <= row.card.balance).reverse().slice(0, 3);
  const nextReward = available.find((x) => x.cost > row.card.balance) ?? null;
  const unit = row.program.kind === "stamps" ? ("stamps" as const) : row.program.kind === "cashback" ? ("cashback" as const) : ("points" as const);
  const message = expiryReminderEmail({
    merchantName: row.merchant.name,
    brandColor: row.merchant.brandColor,
    programName: row.program.name,
    customerName: row.customer.name,
    amount: r.amount,
    unit,
    balance: row.card.balance,
    expiresAt: new Date(`${r.expiresOn}T12:00:00Z`),
    timezone: "UTC",
    affordable,
    nextReward,
    cardUrl: cardLinks(row.card).card,
    language: row.customer.language,
  });
  const { email } = await sendEmail(db, {
    to: row.customer.email,
    ...message,
    kind: "expiry_reminder",
    merchantId: r.merchantId,
    dedupeKey: `expiry-reminder:${r.cardId}:${r.expiresOn}:${r.windowDays}`,
  });
  if (email.status === "failed") throw new Error(email.error ?? "email failed");
  return email.id;
}
