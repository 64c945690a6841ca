import { getDbHandle } from "../../db/client";
import { EVENTS_CHANNEL, type NotifiedEvent } from "../outbox";

type Listener = (event: NotifiedEvent) => void;

const globalForEvents = globalThis as unknown as { __keepcardEvents?: { listeners: Set<Listener>; started?: Promise<void> } };

/**
 * Subscribes to committed domain events of every app instance (Postgres LISTEN). One LISTEN per
 * process fans out to all subscribers; returns an unsubscribe function.
 */
export async function subscribeToEvents(listener: Listener): Promise<() => void> {
  const state = (globalForEvents.__keepcardEvents ??= { listeners: new Set() });
  state.listeners.add(listener);
  state.started ??= getDbHandle()
    .listen(EVENTS_CHANNEL, (raw) => {
      let event: NotifiedEvent;
      try {
        event = JSON.parse(raw) as NotifiedEvent;
      } catch {
        return;
      }
      for (const l of state.listeners) l(event);
    })
    .then(() => undefined);
  await state.started;
  return () => state.listeners.delete(listener);
}
