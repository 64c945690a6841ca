/**
 * The Apple pass's newer texts in one place, in plain English, for translation: labels of the
 * expiring-points field and of the back-of-pass links, and the sentences built from them.
 */
export const APPLE_LABELS = {
  expiringLabel: "Expiring",
  expiring: (points: number, date: string) => `${points} ${points === 1 ? "point expires" : "points expire"} on ${date}`,
  websiteLabel: "Website",
  phoneLabel: "Phone",
  termsLabel: "Terms",
  termsLink: "Read the terms of the program",
  manageLabel: "Manage your card",
  manageLink: "Manage your card or unsubscribe",
} as const;

/** A date as the pass shows it ("March 3, 2027"), on the calendar of the merchant's time zone. */
export function passDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone }).format(at);
}
