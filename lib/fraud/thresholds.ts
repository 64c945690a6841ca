/**
 * When a rule fires. One set for every business for now; each flag's evidence records the
 * threshold it was held against, so a later per-business setting changes nothing already raised.
 */
export const THRESHOLDS = {
  /** Earns on one card in one clock hour (UTC), beyond which the card is flagged and held. */
  earnsPerCardHour: 5,
  /** Earns entered by one cashier (a user or an API key) in one hour. */
  earnsPerCashierHour: 60,
  /** Earns at one location in one hour. */
  earnsPerLocationHour: 200,
  /** A purchase is "far above usual" beyond both the 99th percentile and this many medians of the last 90 days… */
  largePurchaseMedians: 5,
  /** …and only once there is a history to compare with: purchases in the last 90 days. */
  largePurchaseMinHistory: 20,
  largePurchaseDays: 90,
  /** New cards joined from one address in one hour. */
  signupsPerIpHour: 5,
  /** New cards in a day whose emails share one pattern (plus-addressing, a counter at the end). */
  signupsPerEmailPatternDay: 5,
  /** A redemption this soon after the earn that made it possible. */
  redeemAfterEarnMinutes: 10,
  /** Adjustments and reversals by one cashier over the last days… */
  outlierDays: 30,
  /** …at least this many… */
  outlierMinCorrections: 5,
  /** …and this many times the team's median (of cashiers with any entry in the period; at least 1). */
  outlierTeamFactor: 3,
  /** A reversal of an earn within this many minutes of it counts as a void at the counter. */
  voidMinutes: 15,
} as const;
