import { z } from "zod";

/*
 * Every domain event Keepcard records in its outbox, defined once: the payload schema, the words a
 * merchant reads, whether a merchant may subscribe to it as a webhook and whether the dashboard's
 * live feed shows it. The outbox types (lib/outbox.ts), the Inngest client's typed events
 * (lib/events/inngest.ts), the webhook event list (lib/webhooks/endpoints.ts) and the feed
 * (lib/insights/feed.ts) all derive from this table: add an event here and nowhere else.
 *
 * Names are `<noun>.<past tense>`; payloads stay small and carry ids. `merchantId` is not part of
 * a payload: the outbox row carries it, and it rides along on every Inngest event.
 */

type EventDefinition = {
  payload: z.ZodObject;
  /** What a merchant reads (webhook settings, the live feed, job schedules). */
  label: string;
  /** Merchants can subscribe to it as a webhook. */
  webhook: boolean;
  /** The dashboard's live activity feed shows it. */
  feed: boolean;
};

const id = z.string();

export const EVENT_CATALOGUE = {
  "card.enrolled": {
    label: "Member joined",
    webhook: true,
    feed: true,
    payload: z.object({ cardId: id, programId: id, customerId: id }),
  },
  "card.balance_changed": {
    label: "Balance changed",
    webhook: true,
    feed: true,
    payload: z.object({ cardId: id, programId: id, entryId: id, kind: z.string(), amount: z.int(), balance: z.int() }),
  },
  "tier.changed": {
    label: "Tier changed",
    webhook: true,
    feed: false,
    payload: z.object({ cardId: id, programId: id, from: z.string().nullable(), to: z.string().nullable() }),
  },
  "voucher.issued": {
    label: "Reward unlocked",
    webhook: true,
    feed: true,
    payload: z.object({ voucherId: id, cardId: id, rewardId: id.nullable(), title: z.string() }),
  },
  "voucher.redeemed": {
    label: "Reward redeemed",
    webhook: true,
    feed: true,
    payload: z.object({ voucherId: id, cardId: id, title: z.string() }),
  },
  "voucher.voided": {
    label: "Voucher cancelled",
    webhook: true,
    feed: false,
    payload: z.object({ voucherId: id, cardId: id, title: z.string() }),
  },
  // A referred member's first qualifying purchase credited them and (under the cap) their referrer; 0 points for a side means none.
  "referral.credited": {
    label: "Referral credited",
    webhook: true,
    feed: false,
    payload: z.object({ referralId: id, programId: id, referrerCardId: id, refereeCardId: id, referrerPoints: z.int(), refereePoints: z.int() }),
  },
  "program.changed": { label: "Program changed", webhook: true, feed: false, payload: z.object({ programId: id }) },
  "reward.changed": { label: "Reward changed", webhook: true, feed: false, payload: z.object({ rewardId: id, programId: id }) },
  "location.changed": { label: "Location changed", webhook: false, feed: false, payload: z.object({ locationId: id }) },
  // The business's name, colour or logo changed: every pass and Google class shows them.
  "merchant.changed": { label: "Business details changed", webhook: false, feed: false, payload: z.object({ fields: z.array(z.string()) }) },
  // A card was closed (its customer's data erased): its wallet passes are voided / expired.
  "card.closed": { label: "Card closed", webhook: false, feed: false, payload: z.object({ cardId: id, programId: id }) },
  // The card's holder chose another language: the passes show their texts in it.
  "card.language_changed": { label: "Card language changed", webhook: false, feed: false, payload: z.object({ cardId: id, programId: id, language: z.string() }) },
  // The card's holder changed their name (the passes show it).
  "card.details_changed": { label: "Member details changed", webhook: false, feed: false, payload: z.object({ cardId: id, programId: id }) },
  // A fraud or abuse rule fired (lib/fraud): the flag waits on the Flags page; a card flag holds the card.
  "flag.raised": {
    label: "Fraud flag raised",
    webhook: true,
    feed: false,
    payload: z.object({ flagId: id, rule: z.string(), subjectType: z.string(), subjectId: z.string(), cardId: id.nullable(), held: z.boolean(), summary: z.string() }),
  },
  // Background work: schedules, payout runs, webhook deliveries and wallet messages.
  "campaign.scheduled": {
    label: "Campaign scheduled",
    webhook: false,
    feed: false,
    payload: z.object({ campaignId: id, scheduleVersion: z.int(), startsAt: z.string(), endsAt: z.string() }),
  },
  "campaign.cancelled": { label: "Campaign cancelled", webhook: true, feed: false, payload: z.object({ campaignId: id }) },
  // A campaign began (its audience and holdout fixed) and ended (with what it gave away).
  "campaign.started": { label: "Campaign started", webhook: true, feed: false, payload: z.object({ campaignId: id, programId: id, name: z.string(), members: z.int().nullable() }) },
  "campaign.ended": { label: "Campaign ended", webhook: true, feed: false, payload: z.object({ campaignId: id, programId: id, name: z.string(), spent: z.int() }) },
  "payout_run.requested": { label: "Payout run requested", webhook: false, feed: false, payload: z.object({ runId: id, programId: id }) },
  // Cashback reaching (or failing to reach) a customer: one event per payout, then one for the run.
  "payout.paid": {
    label: "Cashback paid",
    webhook: true,
    feed: false,
    payload: z.object({ payoutId: id, runId: id, cardId: id, programId: id, amount: z.int(), currency: z.string(), reference: z.string().nullable() }),
  },
  "payout.failed": {
    label: "Cashback payout failed",
    webhook: true,
    feed: false,
    payload: z.object({ payoutId: id, runId: id, cardId: id, programId: id, amount: z.int(), currency: z.string(), error: z.string().nullable() }),
  },
  "payout_run.finished": {
    label: "Payout run finished",
    webhook: true,
    feed: false,
    payload: z.object({
      runId: id,
      programId: id,
      status: z.string(),
      paid: z.int(),
      failed: z.int(),
      pending: z.int(),
      amountPaid: z.int(),
      amountFailed: z.int(),
    }),
  },
  "webhook_delivery.requested": { label: "Webhook delivery requested", webhook: false, feed: false, payload: z.object({ deliveryId: id }) },
  /** Show this message on the card's pass (Apple changeMessage, Google message). */
  "wallet.message_requested": {
    label: "Wallet message requested",
    webhook: false,
    feed: false,
    payload: z.object({ cardId: id, programId: id, title: z.string(), body: z.string(), reason: z.string() }),
  },
} as const satisfies Record<string, EventDefinition>;

type Catalogue = typeof EVENT_CATALOGUE;

export type EventType = keyof Catalogue;
export type EventPayload<T extends EventType> = z.infer<Catalogue[T]["payload"]>;

/** A domain event as verbs record it: `{ type, payload }`, the payload typed by its name. */
export type DomainEvent = { [T in EventType]: { type: T; payload: EventPayload<T> } }[EventType];

/** Events merchants can subscribe to as webhooks. */
type WebhookEventType = { [T in EventType]: Catalogue[T]["webhook"] extends true ? T : never }[EventType];
/** Events the dashboard's live feed shows. */
export type FeedEventType = { [T in EventType]: Catalogue[T]["feed"] extends true ? T : never }[EventType];

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

/** The webhook event list, in catalogue order (a non-empty tuple, so it can feed `z.enum`). */
export const WEBHOOK_EVENTS = EVENT_TYPES.filter((t) => EVENT_CATALOGUE[t].webhook) as [WebhookEventType, ...WebhookEventType[]];

export const FEED_EVENTS: ReadonlySet<string> = new Set(EVENT_TYPES.filter((t) => EVENT_CATALOGUE[t].feed));

function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, type);
}

/** The merchant-facing label of an event type; unknown names come back as they are. */
export function eventLabel(type: string): string {
  return isEventType(type) ? EVENT_CATALOGUE[type].label : type;
}
