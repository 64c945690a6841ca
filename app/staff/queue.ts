"use client";

import { parseCompact } from "@/lib/tokens/compact";

/** Counter actions waiting for the network, kept on the device until they sync. */
export type Queued =
  | { id: string; kind: "earn"; at: string; label: string; input: { cardId: string; idempotencyKey: string; purchaseAmount?: number; currency?: string; stamps?: number; locationId?: string } }
  | { id: string; kind: "voucher"; at: string; label: string; input: { idempotencyKey: string; code: string; locationId?: string } };

const KEY = "keepcard.staff.queue.v1";

export function loadQueue(): Queued[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? "[]") as Queued[];
  } catch {
    return [];
  }
}

export function saveQueue(items: Queued[]) {
  localStorage.setItem(KEY, JSON.stringify(items));
}

export function newKey(): string {
  return typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Reads a card QR token's claims without verifying it (the server verifies when the action syncs). */
export function peekToken(token: string): { t: string; id: string } | null {
  const compact = parseCompact(token.trim());
  if (compact) return { t: compact.kind, id: compact.id };
  const body = token.split(".")[1];
  if (!token.startsWith("kc1.") || !body) return null;
  try {
    const json = JSON.parse(atob(body.replace(/-/g, "+").replace(/_/g, "/"))) as { t?: string; id?: string };
    return json.t && json.id ? { t: json.t, id: json.id } : null;
  } catch {
    return null;
  }
}
