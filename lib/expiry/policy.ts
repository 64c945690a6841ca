import { z } from "zod";

export const ExpiryPolicy = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("never") }),
  z.object({ kind: z.literal("rolling"), days: z.int().min(1).max(3650) }),
  // Points earned expire on the next occurrence of this calendar date (end of the previous day, UTC).
  z.object({ kind: z.literal("fixed"), month: z.int().min(1).max(12), day: z.int().min(1).max(31) }),
  z.object({ kind: z.literal("inactivity"), days: z.int().min(1).max(3650) }),
]);
export type ExpiryPolicy = z.infer<typeof ExpiryPolicy>;

const DAY = 86_400_000;

/** When a lot earned at `earnedAt` expires, or null when only inactivity (or nothing) ends it. */
export function lotExpiry(policy: ExpiryPolicy, earnedAt: Date): Date | null {
  switch (policy.kind) {
    case "never":
    case "inactivity":
      return null;
    case "rolling":
      return new Date(earnedAt.getTime() + policy.days * DAY);
    case "fixed": {
      const year = earnedAt.getUTCFullYear();
      const at = (y: number) => {
        // Clamp 31 to the month's length (Feb 30 → Feb 28/29).
        const last = new Date(Date.UTC(y, policy.month, 0)).getUTCDate();
        return new Date(Date.UTC(y, policy.month - 1, Math.min(policy.day, last)));
      };
      const thisYear = at(year);
      return thisYear.getTime() > earnedAt.getTime() ? thisYear : at(year + 1);
    }
  }
}

/** Under an inactivity policy, the moment a card's points lapse. */
export function inactivityDeadline(policy: ExpiryPolicy, lastActivityAt: Date): Date | null {
  return policy.kind === "inactivity" ? new Date(lastActivityAt.getTime() + policy.days * DAY) : null;
}

/** Whether a lot is due to expire at `now`, under the card's policy. */
export function isLotExpired(policy: ExpiryPolicy, lot: { expiresAt: Date | null }, lastActivityAt: Date, now: Date): boolean {
  if (lot.expiresAt && lot.expiresAt.getTime() <= now.getTime()) return true;
  const deadline = inactivityDeadline(policy, lastActivityAt);
  return deadline !== null && deadline.getTime() <= now.getTime();
}
