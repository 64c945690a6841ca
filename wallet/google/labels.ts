/**
 * The Google loyalty object's newer texts in one place, in plain English, for translation: the
 * expiring-points module, the tier, the back links and the hero image's description.
 */
export const GOOGLE_LABELS = {
  expiringHeader: "Expiring points",
  expiring: (points: number, date: string) => `${points} ${points === 1 ? "point expires" : "points expire"} on ${date}`,
  tierLabel: "Tier",
  website: "Website",
  phone: "Call us",
  terms: "Terms of the program",
  manage: "Manage your card or unsubscribe",
  stampGrid: (filled: number, total: number) => `${filled} of ${total} stamps`,
} as const;

/** A date as the object shows it ("March 3, 2027"), on the calendar of the merchant's time zone. */
export function objectDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone }).format(at);
}
