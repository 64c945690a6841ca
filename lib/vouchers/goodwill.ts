import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { cards, customers, rewards, vouchers, type Voucher } from "../../db/schema";
import { boundLocation } from "../api-keys/scopes";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { now, withTransaction, type Ctx, type TxCtx } from "../context";
import { env } from "../env";
import { AppError, notFound } from "../errors";
import { translator } from "../i18n";
import { EntityId, humanCode, newId, randomString } from "../ids";
import { SafeText } from "../input";
import { assertOwnLocation } from "../locations/verbs";
import { recordEvents } from "../outbox";
import { resolveSegmentCardIds } from "../segments/resolve";
import type { DomainEvent } from "../events/catalogue";

const DAY = 86_400_000;

/** The most cards one request may give a voucher to (a bigger segment is refused, not cut short). */
export const MAX_VOUCHERS_PER_ISSUE = 5000;

/**
 * A goodwill voucher: a reward from the catalogue (`rewardId`) or a value in words (`title`, such
 * as "Free coffee" or "10% off your next visit"), for one card or for every card of a saved segment.
 */
export const IssueVoucherInput = z
  .object({
    cardId: EntityId.optional().describe("Give it to this card."),
    segmentId: EntityId.optional().describe("Give it to every active card of this saved segment (each card one voucher)."),
    rewardId: EntityId.optional().describe("A reward of the catalogue, given without spending points."),
    title: SafeText.trim().min(1).max(80).optional().describe('What the voucher is worth, in words ("Free coffee"), when it is not a catalogue reward.'),
    validDays: z.int().min(1).max(365).optional().describe("Days until it expires (default: the vouchers' usual lifetime)."),
    locationId: EntityId.optional().describe("Where it was given."),
    note: SafeText.trim().max(200).optional().describe("Why it was given (kept in the audit log)."),
  })
  .strict()
  .refine((v) => (v.cardId === undefined) !== (v.segmentId === undefined), { message: "give cardId or segmentId (one of them)", path: ["cardId"] })
  .refine((v) => (v.rewardId === undefined) !== (v.title === undefined), { message: "give rewardId or title (one of them)", path: ["title"] });
export type IssueVoucherInput = z.input<typeof IssueVoucherInput>;

export type IssueOutcome = { vouchers: Voucher[]; skipped: number };

/**
 * Gives goodwill vouchers, in one transaction: to one card, or to each active card of a segment (a
 * card of another program than the reward's, or closed, is skipped and counted). Each card gets at
 * most one voucher from one request. The wallet passes follow: `voucher.issued` starts their sync,
 * and a wallet message in the holder's language says what is waiting.
 */
export async function issueGoodwillVouchers(ctx: Ctx, raw: IssueVoucherInput): Promise<IssueOutcome> {
  assertCan(ctx.actor, "vouchers:issue");
  const input = IssueVoucherInput.parse(raw);
  const locationId = boundLocation(ctx, input.locationId) ?? null;
  return withTransaction(ctx, async (tx) => {
    if (locationId) await assertOwnLocation(tx, locationId);
    const reward = input.rewardId ? await loadReward(tx, input.rewardId) : null;

    let ids: string[];
    if (input.cardId) ids = [input.cardId];
    else ids = [...new Set(await resolveSegmentCardIds(tx.db, { merchantId: tx.merchantId, segmentId: input.segmentId! }))];
    if (ids.length > MAX_VOUCHERS_PER_ISSUE) {
      throw new AppError("invalid", `This segment has ${ids.length} members; one request gives at most ${MAX_VOUCHERS_PER_ISSUE} vouchers.`, {
        errors: [{ path: "segmentId", message: `at most ${MAX_VOUCHERS_PER_ISSUE} members` }],
      });
    }

    const found = ids.length
      ? await tx.db
          .select({ card: cards, language: customers.language })
          .from(cards)
          .innerJoin(customers, eq(customers.id, cards.customerId))
          .where(and(eq(cards.merchantId, tx.merchantId), inArray(cards.id, ids)))
      : [];
    if (input.cardId) {
      const one = found[0];
      if (!one) throw notFound("Card");
      if (one.card.status !== "active") throw new AppError("inactive", "This card is closed.");
      if (reward && reward.programId !== one.card.programId) {
        throw new AppError("invalid", "This reward belongs to another program than the card.", { errors: [{ path: "rewardId", message: "a reward of the card's program" }] });
      }
    }
    const targets = found.filter((f) => f.card.status === "active" && (!reward || reward.programId === f.card.programId));
    const title = reward?.name ?? input.title!;
    const expiresAt = new Date(now(tx).getTime() + (input.validDays ?? env.VOUCHER_TTL_DAYS) * DAY);
    const issued = await insertVouchers(tx, targets.map((t) => t.card.id), { rewardId: reward?.id ?? null, title, expiresAt, locationId });

    const language = new Map(targets.map((t) => [t.card.id, { language: t.language, programId: t.card.programId }]));
    const events: DomainEvent[] = issued.flatMap((v) => {
      const holder = language.get(v.cardId)!;
      const tr = translator(holder.language);
      return [
        { type: "voucher.issued", payload: { voucherId: v.id, cardId: v.cardId, rewardId: v.rewardId, title: v.title } },
        {
          type: "wallet.message_requested",
          payload: { cardId: v.cardId, programId: holder.programId, title: tr.t("pass.msg.gift.title"), body: tr.t("pass.msg.gift.body", { title: v.title }), reason: `voucher:${v.id}` },
        },
      ] satisfies DomainEvent[];
    });
    for (let i = 0; i < events.length; i += 500) await recordEvents(tx.db, tx.merchantId, events.slice(i, i + 500));

    const target = input.cardId ? { type: "card", id: input.cardId } : { type: "segment", id: input.segmentId! };
    await audit(tx.db, tx.merchantId, tx.actor, "voucher.issued", target, {
      title,
      rewardId: reward?.id ?? null,
      count: issued.length,
      ...(input.note ? { note: input.note } : {}),
      ...(issued.length === 1 ? { voucherId: issued[0]!.id } : {}),
    });
    return { vouchers: issued, skipped: ids.length - issued.length };
  });
}

async function loadReward(tx: TxCtx, rewardId: string) {
  const [reward] = await tx.db
    .select({ id: rewards.id, name: rewards.name, programId: rewards.programId })
    .from(rewards)
    .where(and(eq(rewards.id, rewardId), eq(rewards.merchantId, tx.merchantId)));
  if (!reward) throw notFound("Reward");
  return reward;
}

/** One insert per 500 vouchers; a code already taken at this business (rare) is drawn again for that card. */
async function insertVouchers(
  tx: TxCtx,
  cardIds: string[],
  v: { rewardId: string | null; title: string; expiresAt: Date; locationId: string | null },
): Promise<Voucher[]> {
  const out: Voucher[] = [];
  let pending = cardIds;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 5) throw new Error("could not find free voucher codes");
    const missing: string[] = [];
    for (let i = 0; i < pending.length; i += 500) {
      const chunk = pending.slice(i, i + 500);
      const rows = await tx.db
        .insert(vouchers)
        .values(
          chunk.map((cardId) => ({
            id: newId("vch"),
            merchantId: tx.merchantId,
            cardId,
            rewardId: v.rewardId,
            title: v.title,
            code: humanCode(),
            nonce: randomString(10),
            expiresAt: v.expiresAt,
            issuedLocationId: v.locationId,
            issuedBy: tx.actor.id,
          })),
        )
        .onConflictDoNothing()
        .returning();
      out.push(...rows);
      const done = new Set(rows.map((r) => r.cardId));
      missing.push(...chunk.filter((c) => !done.has(c)));
    }
    pending = missing;
  }
  return out;
}
