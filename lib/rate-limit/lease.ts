import type { Policy, Verdict } from "./index";

/**
 * Takes up to `tokens` from a shared limit in one call (lib/rate-limit: a sliding window in Upstash):
 * how many it granted (fewer, or none, near the limit), what is left and when the window resets. A
 * negative count gives tokens back.
 */
export type TakeTokens = (name: string, policy: Policy, key: string, tokens: number) => Promise<Taken>;
export type Taken = { granted: number; remaining: number; reset: number };

/** How long leased tokens may be used: short against any window, so the shared count stays true. */
export const LEASE_MS = 1_000;

/**
 * Leases are at most this share of the limit, so a small limit (sign-in: 5 in ten minutes) is counted
 * one request at a time, exactly as without leases.
 */
const LEASE_SHARE = 20;
const MAX_LEASE = 1_000;

type Lease = {
  /** Tokens counted in the shared limit and not yet used by a request here. */
  tokens: number;
  /** When the unused tokens lapse (and are given back at the next request). */
  until: number;
  /** The shared limit's `remaining` and `reset` when the tokens were taken. */
  remaining: number;
  reset: number;
  /** Requests since the last lease was taken, and when it was: what the next lease is sized by. */
  asked: number;
  since: number;
  /** Requests on this key being answered now (waiting for a lease among them). */
  pending: number;
  /** Refused with nothing left: answered here without a call until then (at most a second). */
  refused: Verdict | null;
  refusedUntil: number;
  /** The call taking a lease, which requests arriving meanwhile wait for instead of calling too. */
  taking: Promise<void> | null;
};

/**
 * A shared limit (Upstash) counted in leases: a key busy on this instance takes the tokens it is
 * likely to use in the next second in one call and spends them locally, instead of one HTTP call per
 * request (which cost more CPU than the earn behind it: bench/results/earn-limits.json). Leased tokens
 * are counted in the shared limit when taken, so every instance together never admits more than the
 * limit; tokens left when a lease lapses are given back. A lease is sized by the key's recent rate on
 * this instance and kept to a twentieth of the limit: a key seen once is counted one request at a
 * time, and near the limit a lease is granted only what is left.
 */
export class LeasingLimiter {
  private readonly leases = new Map<string, Lease>();

  constructor(
    private readonly take: TakeTokens,
    private readonly leaseMs = LEASE_MS,
  ) {}

  async check(name: string, policy: Policy, key: string): Promise<Verdict> {
    const id = `${name}:${policy.limit}:${policy.windowSeconds}:${key}`;
    let lease = this.leases.get(id);
    if (!lease) {
      // `since` a lease's time ago: a key's first request is sized as one request a second, not as a burst.
      lease = { tokens: 0, until: 0, remaining: policy.limit, reset: 0, asked: 0, since: Date.now() - this.leaseMs, pending: 0, refused: null, refusedUntil: 0, taking: null };
      this.leases.set(id, lease);
      if (this.leases.size > 50_000) this.sweep();
    }
    lease.asked++;
    lease.pending++;
    try {
      return await this.answer(lease, name, policy, key);
    } finally {
      lease.pending--;
    }
  }

  private async answer(lease: Lease, name: string, policy: Policy, key: string): Promise<Verdict> {
    for (;;) {
      if (lease.refused && Date.now() < lease.refusedUntil) return lease.refused;
      if (lease.tokens > 0 && Date.now() < lease.until) {
        lease.tokens--;
        return { success: true, limit: policy.limit, remaining: lease.remaining + lease.tokens, reset: lease.reset };
      }
      // One call takes a lease; requests arriving meanwhile wait for it, then use its tokens or its refusal.
      lease.taking ??= this.renew(lease, name, policy, key).finally(() => (lease.taking = null));
      await lease.taking;
    }
  }

  /** Takes a new lease into `lease`, or records the shared limit's refusal when not even one token is left. */
  private async renew(lease: Lease, name: string, policy: Policy, key: string): Promise<void> {
    const now = Date.now();
    if (lease.tokens > 0) {
      // Lapsed unused: give them back to the shared count (best effort; they lapse there with the window).
      const back = lease.tokens;
      lease.tokens = 0;
      this.take(name, policy, key, -back).catch(() => {});
    }
    // The rate seen since the last lease, over one lease's time, or at least the requests waiting now;
    // no more than was left at the last lease (other instances take from it too).
    const wanted = Math.ceil((lease.asked * this.leaseMs) / Math.max(now - lease.since, this.leaseMs / 10));
    const cap = Math.min(MAX_LEASE, Math.max(1, Math.floor(policy.limit / LEASE_SHARE)), Math.max(1, lease.remaining));
    const size = Math.min(cap, Math.max(1, wanted, lease.pending));
    lease.asked = 0;
    lease.since = now;
    const taken = await this.take(name, policy, key, size);
    if (taken.granted < 1) {
      lease.remaining = 0;
      lease.refused = { success: false, limit: policy.limit, remaining: 0, reset: taken.reset };
      lease.refusedUntil = Math.min(taken.reset, Date.now() + this.leaseMs);
      return;
    }
    lease.refused = null;
    lease.tokens = taken.granted;
    lease.until = Date.now() + this.leaseMs;
    lease.remaining = taken.remaining;
    lease.reset = taken.reset;
  }

  private sweep() {
    const now = Date.now();
    for (const [id, lease] of this.leases) if (!lease.taking && (lease.tokens === 0 || lease.until <= now)) this.leases.delete(id);
  }
}
