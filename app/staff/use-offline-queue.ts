"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ActionResult } from "@/lib/action-result";
import { earnAction, redeemVoucherAction } from "./actions";
import { callOnline } from "./counter";
import { loadQueue, saveQueue, type Queued } from "./queue";

/**
 * The counter actions saved on this device while the network was away (app/staff/queue.ts), and
 * whether the device is online. It syncs them oldest first when the connection comes back, every
 * 15 seconds and on `sync()`; an item the server refuses for good leaves the queue and is reported
 * through `onRefused`.
 */
export function useOfflineQueue(onRefused: (item: Queued, error: string) => void) {
  const [queue, setQueue] = useState<Queued[]>([]);
  const [online, setOnline] = useState(true);
  const syncing = useRef(false);
  const refused = useRef(onRefused);
  useEffect(() => {
    refused.current = onRefused;
  }, [onRefused]);

  const persist = useCallback((next: Queued[]) => {
    saveQueue(next);
    setQueue(next);
  }, []);

  const sync = useCallback(async () => {
    if (syncing.current || !navigator.onLine) return;
    syncing.current = true;
    try {
      let pending = loadQueue();
      for (const item of [...pending]) {
        const r = await callOnline(() => (item.kind === "earn" ? earnAction(item.input) : redeemVoucherAction(item.input)) as Promise<ActionResult<unknown>>);
        if (r === "offline") break;
        // Synced, or refused for good (the server said why): either way it leaves the queue.
        pending = pending.filter((p) => p.id !== item.id);
        persist(pending);
        if (!r.ok) refused.current(item, r.error);
      }
    } finally {
      syncing.current = false;
    }
  }, [persist]);

  const enqueue = useCallback((item: Queued) => persist([...loadQueue(), item]), [persist]);

  useEffect(() => {
    // Reads the device's saved queue after hydration; the server has no such thing.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setQueue(loadQueue());
    setOnline(navigator.onLine);
    const up = () => {
      setOnline(true);
      void sync();
    };
    const down = () => setOnline(false);
    window.addEventListener("online", up);
    window.addEventListener("offline", down);
    const timer = setInterval(() => void sync(), 15_000);
    void sync();
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/staff/sw.js", { scope: "/staff" }).catch(() => {});
    return () => {
      window.removeEventListener("online", up);
      window.removeEventListener("offline", down);
      clearInterval(timer);
    };
  }, [sync]);

  return { queue, online, sync, enqueue };
}
