import { eventType, Inngest, type EventType as InngestEventType } from "inngest";
import { z } from "zod";
import { env } from "../env";
import { EVENT_CATALOGUE, EVENT_TYPES, type EventPayload, type EventType } from "./catalogue";

/** The one Inngest client. Without an event key or INNGEST_DEV, sending fails fast and the outbox keeps the event. */
export const inngest = new Inngest({
  id: "keepcard",
  eventKey: env.INNGEST_EVENT_KEY,
  baseUrl: env.INNGEST_BASE_URL,
  isDev: env.INNGEST_DEV ? true : undefined,
});

/** What an Inngest event carries: the catalogue's payload plus the merchant and the webhook flag (lib/events/dispatch.ts adds them). */
type InngestEventData<T extends EventType> = EventPayload<T> & { merchantId: string; webhooks?: boolean };

/**
 * The typed Inngest events, one per catalogue entry and keyed by its name (`events["card.enrolled"]`):
 * the catalogue's payload schema extended with `merchantId`.
 */
export const events = Object.fromEntries(
  EVENT_TYPES.map((name) => {
    const payload: z.ZodObject = EVENT_CATALOGUE[name].payload;
    // `webhooks`: whether an endpoint of the business takes this event (dispatch.ts sets it on the ones a webhook can carry).
    return [name, eventType(name, { schema: payload.extend({ merchantId: z.string(), webhooks: z.boolean().optional() }) })];
  }),
) as unknown as { [T in EventType]: InngestEventType<T, z.ZodType<InngestEventData<T>, InngestEventData<T>>> };
