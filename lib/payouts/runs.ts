import { and, asc, desc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Executor } from "../../db/client";
import { cards, customers, payoutAccounts, payoutRuns, payouts, payoutSettings, type Payout, type PayoutRun, type PayoutRunReport, type PayoutSettings } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { now, systemActor, withTransaction, type Ctx } from "../context";
import { env } from "../env";
import { AppError, notFound } from "../errors";
import { EntityId, newId } from "../ids";
import { formatDecimal } from "../money";
import { reservePayouts } from "../ledger/bulk";
import { lockMerchant } from "../merchants/verbs";
import { loadProgram } from "../programs/verbs";
import { recordEvents } from "../outbox";
import { encryptSecret } from "../crypto/secrets";
import { OutboundUrl } from "../outbound/fetch";
import { newWebhookSecret } from "../webhooks/sign";
import { providerFor, type PayoutOutcome, type PayoutProvider, type PayoutRequest } from "./providers";
import { SafeText } from "../input";


export const PayoutSettingsInput = z
  .object({
    programId: EntityId,
    enabled: z.boolean().default(true),
    provider: z.enum(["webhook", "manual", "stripe", "paypal"]),
    thresholdMinor: z
      .int()
      .min(1)
      .max(100_000_000)
      .describe("The minimum payout, in minor units: a card is paid once its cashback reaches it, and never less."),
    schedule: z.enum(["off", "daily", "weekly", "monthly"]).default("off"),
    endpointUrl: OutboundUrl.optional(),
  })
  .strict()
  .refine((v) => v.provider !== "webhook" || v.endpointUrl, { message: "the webhook provider needs an endpoint URL", path: ["endpointUrl"] });
export type PayoutSettingsInput = z.input<typeof PayoutSettingsInput>;

export const PayoutRunInput = z.object({ programId: EntityId, runKey: SafeText.min(1).max(200).optional() }).strict();

/** Pending payouts of a run to mark paid: all of them, or the given ones. */
export const MarkPaidInput = z.object({ runId: EntityId, payoutIds: z.array(EntityId).min(1).max(10_000).optional() }).strict();

/**
 * Sets how a cashback program pays out. A webhook provider gets a signing secret the first time;
 * it is stored encrypted and returned here as `newSecret`, the only time it is shown.
 */
export async function configurePayouts(ctx: Ctx, raw: PayoutSettingsInput): Promise<PayoutSettings & { newSecret: string | null }> {
  assertCan(ctx.actor, "payouts:manage");
  const input = PayoutSettingsInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const program = await loadProgram(tx, input.programId);
    if (program.kind !== "cashback") throw new AppError("invalid", "Only cashback programs pay out.", { errors: [{ path: "programId", message: "not a cashback program" }] });
    if (input.provider === "webhook") {
      // Each payout URL is one more place this server sends requests to: a capped number per business.
      await lockMerchant(tx);
      const others = await tx.db
        .select({ n: sql<number>`count(*)::int` })
        .from(payoutSettings)
        .where(and(eq(payoutSettings.merchantId, ctx.merchantId), eq(payoutSettings.provider, "webhook"), sql`${payoutSettings.programId} <> ${program.id}`));
      if (Number(others[0]?.n ?? 0) >= env.PAYOUT_ENDPOINTS_MAX) {
        throw new AppError("conflict", `A business can have at most ${env.PAYOUT_ENDPOINTS_MAX} payout endpoints.`);
      }
    }
    const [existing] = await tx.db.select().from(payoutSettings).where(eq(payoutSettings.programId, program.id));
    const newSecret = !existing?.secret && input.provider === "webhook" ? newWebhookSecret() : null;
    const values = { ...input, endpointUrl: input.endpointUrl ?? null, merchantId: ctx.merchantId, secret: newSecret ? encryptSecret(newSecret) : (existing?.secret ?? null), updatedAt: now(ctx) };
    const [row] = await tx.db.insert(payoutSettings).values(values).onConflictDoUpdate({ target: payoutSettings.programId, set: values }).returning();
    await audit(tx.db, ctx.merchantId, ctx.actor, "payouts.configured", { type: "program", id: program.id }, { provider: input.provider, thresholdMinor: input.thresholdMinor, schedule: input.schedule });
    return { ...row!, newSecret };
  });
}

/** A new signing secret for a program's payout endpoint (kept ready when payouts are by hand); the old one stops working at once. Shown only here. */
export async function rotatePayoutSecret(ctx: Ctx, programId: string): Promise<{ secret: string }> {
  assertCan(ctx.actor, "payouts:manage");
  return withTransaction(ctx, async (tx) => {
    const settings = await settingsFor(tx.db, ctx.merchantId, programId);
    const secret = newWebhookSecret();
    await tx.db.update(payoutSettings).set({ secret: encryptSecret(secret), updatedAt: now(ctx) }).where(eq(payoutSettings.programId, settings.programId));
    await audit(tx.db, ctx.merchantId, ctx.actor, "payouts.secret_rotated", { type: "program", id: programId });
    return { secret };
  });
}

async function settingsFor(db: Executor, merchantId: string, programId: string): Promise<PayoutSettings> {
  const [settings] = await db
    .select()
    .from(payoutSettings)
    .where(and(eq(payoutSettings.programId, programId), eq(payoutSettings.merchantId, merchantId)));
  if (!settings) throw new AppError("invalid", "Payouts are not set up for this program.");
  return settings;
}

/**
 * Starts a payout run ("pay now", or a scheduled period when `runKey` is `schedule:<period>`).
 * The run row and its `payout_run.requested` event commit together; the same run key twice
 * returns the first run.
 */
export async function requestPayoutRun(ctx: Ctx, raw: z.input<typeof PayoutRunInput>): Promise<{ run: PayoutRun; created: boolean }> {
  assertCan(ctx.actor, "payouts:manage");
  const input = PayoutRunInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const program = await loadProgram(tx, input.programId);
    const settings = await settingsFor(tx.db, ctx.merchantId, program.id);
    if (!settings.enabled) throw new AppError("inactive", "Payouts are switched off for this program.");
    const id = newId("prun");
    const runKey = input.runKey ?? `manual:${id}`;
    const [run] = await tx.db
      .insert(payoutRuns)
      .values({ id, merchantId: ctx.merchantId, programId: program.id, runKey, trigger: runKey.split(":")[0]!, provider: settings.provider, requestedBy: ctx.actor.id, createdAt: now(ctx) })
      .onConflictDoNothing()
      .returning();
    if (!run) {
      const [first] = await tx.db.select().from(payoutRuns).where(and(eq(payoutRuns.programId, program.id), eq(payoutRuns.runKey, runKey)));
      return { run: first!, created: false };
    }
    await recordEvents(tx.db, ctx.merchantId, [{ type: "payout_run.requested", payload: { runId: run.id, programId: program.id } }]);
    if (ctx.actor.type === "user") await audit(tx.db, ctx.merchantId, ctx.actor, "payouts.run_requested", { type: "payout_run", id: run.id });
    return { run, created: true };
  });
}

async function loadRun(db: Executor, runId: string, merchantId?: string): Promise<PayoutRun> {
  const [run] = await db
    .select()
    .from(payoutRuns)
    .where(merchantId ? and(eq(payoutRuns.id, runId), eq(payoutRuns.merchantId, merchantId)) : eq(payoutRuns.id, runId));
  if (!run) throw notFound("Payout run");
  return run;
}

/**
 * Step 1 of a run: moves the program's failed payouts into this run (they are retried), and opens
 * a payout for every card over the threshold, debiting its balance in the same statement.
 * Safe to repeat: a card with an unpaid payout is never selected again.
 */
export async function preparePayoutRun(db: Executor, runId: string, at = new Date()): Promise<{ selected: number; retried: number; provider: string }> {
  const run = await loadRun(db, runId);
  const ctx: Ctx = { db, merchantId: run.merchantId, actor: systemActor("payouts"), source: "job", now: () => at };
  const settings = await settingsFor(db, run.merchantId, run.programId);
  const program = await loadProgram(ctx, run.programId);
  await db.update(payoutRuns).set({ status: "running", startedAt: run.startedAt ?? at }).where(eq(payoutRuns.id, runId));
  const retried = await db
    .update(payouts)
    .set({ runId, status: "pending", updatedAt: at })
    .where(and(eq(payouts.programId, run.programId), eq(payouts.status, "failed")))
    .returning({ id: payouts.id });
  // Stripe and PayPal pay only customers who said where (card page); the others keep their cashback on the card.
  const destination =
    settings.provider === "stripe"
      ? sql`exists (select 1 from payout_accounts pa where pa.customer_id = c.customer_id and pa.stripe_ready and pa.stripe_account_id is not null)`
      : settings.provider === "paypal"
        ? sql`exists (select 1 from payout_accounts pa where pa.customer_id = c.customer_id and pa.paypal_email is not null)`
        : undefined;
  const reserved = await reservePayouts(ctx, { program, runId, thresholdMinor: settings.thresholdMinor, audience: destination });
  return { selected: reserved.reserved, retried: retried.length, provider: settings.provider };
}

export type BatchOptions = { provider?: PayoutProvider; concurrency?: number; attempts?: number; backoffMs?: number };

/** Outcomes written per UPDATE: one statement for about a hundred payouts instead of one each. */
const WRITE_EVERY = 100;

/**
 * Step 2, repeated: pays up to `limit` pending payouts of the run after `afterId`, at most
 * `concurrency` provider calls at once (a worker takes the next payout as soon as it is free),
 * each retried with exponential back-off when the failure is transient. Outcomes are written about
 * a hundred at a time, while the calls go on; all are written before this returns. Repeating a
 * batch (after a crash between a payment and its write) resends only what is still pending, with
 * the same idempotency keys, so the provider pays nothing twice. A batching provider (PayPal) gets
 * the page as one batch whose id and members are written before the call (see below).
 */
export async function sendPayoutBatch(
  db: Executor,
  runId: string,
  afterId: string,
  limit: number,
  opts: BatchOptions = {},
): Promise<{ lastId: string | null; count: number; paid: number; failed: number }> {
  const run = await loadRun(db, runId);
  const provider = opts.provider ?? providerFor(await settingsFor(db, run.merchantId, run.programId));
  const batch = await pendingPayouts(db, and(eq(payouts.runId, runId), eq(payouts.status, "pending"), gt(payouts.id, afterId)), limit);
  const page = { lastId: batch.at(-1)?.payout.id ?? null, count: batch.length };
  if (!provider.automatic) return { ...page, paid: 0, failed: 0 };

  const attempts = opts.attempts ?? 4;
  const backoff = opts.backoffMs ?? 200;
  const withRetries = async (call: () => Promise<PayoutOutcome>) => {
    let outcome: PayoutOutcome = { ok: false, retryable: true, error: "not tried" };
    let tries = 0;
    while (tries < attempts) {
      tries++;
      outcome = await call();
      if (outcome.ok || !outcome.retryable) break;
      if (tries < attempts) await sleep(backoff * 2 ** (tries - 1) * (0.5 + Math.random()));
    }
    return { outcome, tries };
  };
  let paid = 0;
  let failed = 0;
  const outcomes = new OutcomeWriter(db);
  const settle = (payout: Payout, outcome: PayoutOutcome, tries: number) => {
    outcomes.add({
      id: payout.id,
      ok: outcome.ok,
      sent: outcome.ok && outcome.sent === true,
      reference: outcome.ok ? outcome.reference : null,
      error: outcome.ok ? null : outcome.error,
      tries,
      at: new Date().toISOString(),
    });
    if (outcome.ok) paid++;
    else failed++;
  };

  try {
    if (provider.payBatch) {
      const payBatch = provider.payBatch.bind(provider);
      // The page's payouts not yet in a batch form a new one, named after the run and its first
      // payout; its members are written before the call. A batch a crashed attempt already formed
      // is sent again as it was stored, under the same id.
      const fresh = batch.filter((b) => !b.payout.providerBatchId).map((b) => b.payout.id);
      if (fresh.length > 0) {
        await db
          .update(payouts)
          .set({ providerBatchId: `${runId}-${fresh[0]}` })
          .where(and(inArray(payouts.id, fresh), isNull(payouts.providerBatchId), eq(payouts.status, "pending")));
      }
      const batchIds = [...new Set([...batch.map((b) => b.payout.providerBatchId).filter((id): id is string => !!id), ...(fresh.length ? [`${runId}-${fresh[0]}`] : [])])];
      for (const batchId of batchIds) {
        const members = await pendingPayouts(db, and(eq(payouts.providerBatchId, batchId), eq(payouts.status, "pending")), 100_000);
        if (members.length === 0) continue;
        const { outcome, tries } = await withRetries(() => payBatch(batchId, members.map(toRequest)));
        // Refused as a whole (nothing was created): the next run forms a new batch. Anything less
        // certain keeps the batch, so a retry is the same request and pays nothing twice.
        if (!outcome.ok && outcome.rebatch) {
          await db.update(payouts).set({ providerBatchId: null }).where(and(eq(payouts.providerBatchId, batchId), eq(payouts.status, "pending")));
        }
        for (const m of members) settle(m.payout, outcome, tries);
      }
    } else {
      await pool(batch, opts.concurrency ?? env.PAYOUT_CONCURRENCY, async (row) => {
        const { outcome, tries } = await withRetries(() => provider.pay(toRequest(row)));
        settle(row.payout, outcome, tries);
      });
    }
  } finally {
    // Even when a call throws, what is known is written; the rest stays pending for the retry.
    await outcomes.close();
  }
  return { ...page, paid, failed };
}

type PendingRow = { payout: Payout; email: string; erased: Date | null; stripeAccountId: string | null; stripeReady: boolean | null; paypalEmail: string | null };

/** Payouts with their customer's email and payout details, in id order. */
async function pendingPayouts(db: Executor, where: ReturnType<typeof and>, limit: number): Promise<PendingRow[]> {
  return db
    .select({
      payout: payouts,
      email: customers.email,
      erased: customers.erasedAt,
      stripeAccountId: payoutAccounts.stripeAccountId,
      stripeReady: payoutAccounts.stripeReady,
      paypalEmail: payoutAccounts.paypalEmail,
    })
    .from(payouts)
    .innerJoin(cards, eq(cards.id, payouts.cardId))
    .innerJoin(customers, eq(customers.id, cards.customerId))
    .leftJoin(payoutAccounts, eq(payoutAccounts.customerId, customers.id))
    .where(where)
    .orderBy(asc(payouts.id))
    .limit(limit);
}

function toRequest({ payout, email, erased, stripeAccountId, stripeReady, paypalEmail }: PendingRow): PayoutRequest {
  return {
    payoutId: payout.id,
    idempotencyKey: payout.idempotencyKey,
    merchantId: payout.merchantId,
    programId: payout.programId,
    cardId: payout.cardId,
    customerEmail: erased ? null : email,
    amount: payout.amount,
    currency: payout.currency,
    reservedAt: payout.createdAt,
    stripeAccountId: !erased && stripeReady ? stripeAccountId : null,
    paypalEmail: erased ? null : paypalEmail,
  };
}

type Outcome = { id: string; ok: boolean; sent: boolean; reference: string | null; error: string | null; tries: number; at: string };

/** Collects payout outcomes and writes them WRITE_EVERY at a time, one statement each, without holding up the calls. */
class OutcomeWriter {
  private buffer: Outcome[] = [];
  private writes: Promise<void>[] = [];
  private failure: unknown = null;
  constructor(private readonly db: Executor) {}

  add(outcome: Outcome) {
    this.buffer.push(outcome);
    if (this.buffer.length >= WRITE_EVERY) this.flush();
  }

  async close() {
    this.flush();
    await Promise.all(this.writes);
    if (this.failure) throw this.failure;
  }

  private flush() {
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    this.writes.push(
      writeOutcomes(this.db, rows).catch((error: unknown) => {
        this.failure ??= error;
      }),
    );
  }
}

/** Marks pending payouts paid or failed from their outcomes, in one UPDATE, and records a `payout.paid` or `payout.failed` event for each in the same transaction. */
async function writeOutcomes(db: Executor, rows: Outcome[]): Promise<void> {
  await db.transaction(async (tx) => {
    const written = await queryRows<WrittenPayout>(tx, sql`
    update payouts p set
      status = case when o.ok and o.sent then 'sent' when o.ok then 'paid' else 'failed' end::payout_status,
      paid_at = case when o.ok and not o.sent then o.at end,
      provider_reference = case when o.ok then o.reference else p.provider_reference end,
      last_error = o.error,
      attempts = p.attempts + o.tries,
      updated_at = o.at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as o(id text, ok boolean, sent boolean, reference text, error text, tries int, at timestamptz)
    where p.id = o.id and p.status = 'pending'
    returning p.id, p.merchant_id, p.run_id, p.card_id, p.program_id, p.amount, p.currency, p.status, p.provider_reference, p.last_error`);
    await recordPayoutEvents(tx, written);
  });
}

export type WrittenPayout = {
  id: string;
  merchant_id: string;
  run_id: string;
  card_id: string;
  program_id: string;
  amount: number;
  currency: string;
  status: string;
  provider_reference: string | null;
  last_error: string | null;
};

/** `payout.paid` / `payout.failed` for payouts just settled (all of one business); a payout sent and not yet confirmed has none yet. */
export async function recordPayoutEvents(db: Executor, rows: WrittenPayout[]): Promise<void> {
  rows = rows.filter((r) => r.status === "paid" || r.status === "failed" || r.status === "returned");
  if (rows.length === 0) return;
  await recordEvents(
    db,
    rows[0]!.merchant_id,
    rows.map((r) => {
      const common = { payoutId: r.id, runId: r.run_id, cardId: r.card_id, programId: r.program_id, amount: Number(r.amount), currency: r.currency };
      return r.status === "paid"
        ? { type: "payout.paid" as const, payload: { ...common, reference: r.provider_reference } }
        : { type: "payout.failed" as const, payload: { ...common, error: r.last_error } };
    }),
  );
}

/** The business a payout run belongs to (its job heartbeat is that business's alone). */
export async function payoutRunMerchant(db: Executor, runId: string): Promise<string> {
  return (await loadRun(db, runId)).merchantId;
}

/** Step 3: the run's report from its payouts, and its final status. */
export async function finishPayoutRun(db: Executor, runId: string, prepared: { selected: number; retried: number }): Promise<PayoutRunReport> {
  const run = await loadRun(db, runId);
  const rows = await db
    .select({ status: payouts.status, count: sql<number>`count(*)::int`, amount: sql<number>`coalesce(sum(${payouts.amount}), 0)::int` })
    .from(payouts)
    .where(eq(payouts.runId, runId))
    .groupBy(payouts.status);
  const of = (s: string) => rows.find((r) => r.status === s) ?? { count: 0, amount: 0 };
  const report: PayoutRunReport = {
    selected: prepared.selected,
    retried: prepared.retried,
    paid: Number(of("paid").count),
    failed: Number(of("failed").count),
    pending: Number(of("pending").count),
    sent: Number(of("sent").count),
    amountPaid: Number(of("paid").amount),
    amountFailed: Number(of("failed").amount),
  };
  const status = report.pending > 0 && run.provider === "manual" ? "awaiting_export" : report.failed > 0 || report.pending > 0 ? "completed_with_failures" : "completed";
  await db.transaction(async (tx) => {
    await tx
      .update(payoutRuns)
      .set({ status, report, finishedAt: status === "awaiting_export" ? null : new Date() })
      .where(eq(payoutRuns.id, runId));
    // A run waiting for its CSV to be paid by hand has not finished; marking it paid finishes it.
    if (status !== "awaiting_export") await recordRunFinished(tx, run, status, report);
  });
  return report;
}

async function recordRunFinished(db: Executor, run: PayoutRun, status: string, report: PayoutRunReport): Promise<void> {
  const { paid, failed, pending, amountPaid, amountFailed } = report;
  await recordEvents(db, run.merchantId, [{ type: "payout_run.finished", payload: { runId: run.id, programId: run.programId, status, paid, failed, pending, amountPaid, amountFailed } }]);
}

/** The run's payouts as CSV, for a manual provider: one line per payout, the amount with the currency's decimals ("12.50", "1250", "3.125") and in minor units. */
export async function payoutsCsv(ctx: Ctx, runId: string): Promise<string> {
  assertCan(ctx.actor, "payouts:manage");
  await loadRun(ctx.db, runId, ctx.merchantId);
  const rows = await ctx.db
    .select({ payout: payouts, email: customers.email, name: customers.name })
    .from(payouts)
    .innerJoin(cards, eq(cards.id, payouts.cardId))
    .innerJoin(customers, eq(customers.id, cards.customerId))
    .where(eq(payouts.runId, runId))
    .orderBy(asc(payouts.id));
  const cell = (v: string | number | null) => {
    const s = v === null ? "" : String(v);
    // Quote always; neutralise spreadsheet formulas.
    return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
  };
  const lines = [["payout_id", "idempotency_key", "card_id", "customer_email", "customer_name", "amount", "amount_minor", "currency", "status"].map(cell).join(",")];
  for (const { payout, email, name } of rows) {
    lines.push([payout.id, payout.idempotencyKey, payout.cardId, email, name, formatDecimal(payout.amount, payout.currency), payout.amount, payout.currency, payout.status].map(cell).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** Marks pending payouts of a run as paid by hand (all of them, or the given ids). */
export async function markPayoutsPaid(ctx: Ctx, raw: z.input<typeof MarkPaidInput>): Promise<{ marked: number }> {
  assertCan(ctx.actor, "payouts:manage");
  const { runId, payoutIds } = MarkPaidInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const run = await loadRun(tx.db, runId, ctx.merchantId);
    const at = now(ctx);
    const where = and(eq(payouts.runId, run.id), inArray(payouts.status, ["pending", "failed"]), payoutIds ? inArray(payouts.id, payoutIds) : undefined);
    const marked = await tx.db.update(payouts).set({ status: "paid", paidAt: at, updatedAt: at, lastError: null }).where(where).returning();
    await recordPayoutEvents(
      tx.db,
      marked.map((p) => ({ id: p.id, merchant_id: p.merchantId, run_id: run.id, card_id: p.cardId, program_id: p.programId, amount: p.amount, currency: p.currency, status: "paid", provider_reference: p.providerReference, last_error: null })),
    );
    await audit(tx.db, ctx.merchantId, ctx.actor, "payouts.marked_paid", { type: "payout_run", id: run.id }, { count: marked.length });
    const report = await finishPayoutRun(tx.db, run.id, { selected: run.report?.selected ?? 0, retried: run.report?.retried ?? 0 });
    // Finishing records payout_run.finished once nothing is left to pay by hand.
    if (report.pending === 0 && report.failed === 0) await tx.db.update(payoutRuns).set({ status: "completed", finishedAt: at }).where(eq(payoutRuns.id, run.id));
    return { marked: marked.length };
  });
}

export async function listPayoutRuns(ctx: Ctx, { limit = 50 }: { limit?: number } = {}): Promise<PayoutRun[]> {
  assertCan(ctx.actor, "payouts:manage");
  return ctx.db.select().from(payoutRuns).where(eq(payoutRuns.merchantId, ctx.merchantId)).orderBy(desc(payoutRuns.createdAt)).limit(limit);
}

export async function listFailedPayouts(ctx: Ctx, { limit = 100 }: { limit?: number } = {}): Promise<Payout[]> {
  assertCan(ctx.actor, "payouts:manage");
  return ctx.db
    .select()
    .from(payouts)
    .where(and(eq(payouts.merchantId, ctx.merchantId), eq(payouts.status, "failed")))
    .orderBy(desc(payouts.updatedAt))
    .limit(limit);
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function listPayoutSettings(ctx: Ctx): Promise<PayoutSettings[]> {
  assertCan(ctx.actor, "payouts:manage");
  return ctx.db.select().from(payoutSettings).where(eq(payoutSettings.merchantId, ctx.merchantId));
}
