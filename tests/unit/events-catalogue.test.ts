import { describe, expect, it } from "vitest";
import { jobs, reportingJobs } from "@/jobs";
import { describeCron } from "@/jobs/job";
import { EVENT_CATALOGUE, EVENT_TYPES, WEBHOOK_EVENTS, eventLabel } from "@/lib/events/catalogue";
import { events } from "@/lib/events/inngest";
import { isFeedEvent } from "@/lib/insights/feed";
import { EndpointInput } from "@/lib/webhooks/endpoints";

describe("describeCron", () => {
  it("says in words what the common cron shapes mean, in UTC unless a zone is given", () => {
    expect(describeCron("* * * * *")).toBe("every minute");
    expect(describeCron("*/15 * * * *")).toBe("every 15 minutes");
    expect(describeCron("5 * * * *")).toBe("hourly at :05");
    expect(describeCron("0 */6 * * *")).toBe("every 6 hours at :00");
    expect(describeCron("0 8 * * *")).toBe("daily at 08:00 UTC");
    expect(describeCron("TZ=Europe/Paris 30 7 * * *")).toBe("daily at 07:30 Europe/Paris");
    expect(describeCron("0 2 * * 1")).toBe("weekly on Monday at 02:00 UTC");
    expect(describeCron("0 2 1 * *")).toBe("monthly on day 1 at 02:00 UTC");
  });

  it("shows an expression it cannot put in words as it is, never a wrong phrase", () => {
    expect(describeCron("0 9 * * 1-5")).toBe("on the cron schedule “0 9 * * 1-5” (UTC)");
    expect(describeCron("0 0 1 1 *")).toBe("on the cron schedule “0 0 1 1 *” (UTC)");
  });
});

describe("the Jobs page's list", () => {
  const shown = new Map(reportingJobs.map((j) => [j.id, j]));

  it("says points expire when the cron runs them: hourly, not daily", () => {
    expect(shown.get("points-expiry")).toMatchObject({ label: "Expiring old points", schedule: { cron: "5 * * * *", text: "hourly at :05" } });
  });

  it("takes every schedule from the job's own trigger", () => {
    expect(shown.get("outbox-sweep")?.schedule.text).toBe("every minute");
    expect(shown.get("expiry-reminders")?.schedule.text).toBe("daily at 08:00 UTC");
    expect(shown.get("payout-schedule")?.schedule.text).toBe("daily at 02:00 UTC");
    expect(shown.get("payout-run")?.schedule.text).toBe("on “Payout run requested”");
    expect(shown.get("dispatch")?.schedule.text).toBe("right after each change");
    // Jobs that record no heartbeat would only ever show "no run yet".
    expect(shown.has("wallet-sync")).toBe(false);
  });

  it("gives every Inngest function a label and a distinct id", () => {
    expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
    for (const job of jobs) expect(job.label, job.id).not.toBe(job.id);
  });
});

describe("the event catalogue", () => {
  it("gives the Inngest client one typed event per catalogue entry, carrying the merchant", () => {
    expect(Object.keys(events).sort()).toEqual([...EVENT_TYPES].sort());
    const data = { cardId: "crd_1", programId: "prg_1", customerId: "cus_1" };
    const schema = events["card.enrolled"].schema;
    expect(schema.safeParse({ ...data, merchantId: "mer_1" }).success).toBe(true);
    expect(schema.safeParse(data).success).toBe(false);
  });

  it("is the list of events a merchant can subscribe to, and no other", () => {
    expect(WEBHOOK_EVENTS).toEqual([
      "card.enrolled",
      "card.balance_changed",
      "tier.changed",
      "voucher.issued",
      "voucher.redeemed",
      "voucher.voided",
      "referral.credited",
      "program.changed",
      "reward.changed",
      "flag.raised",
      "campaign.cancelled",
      "campaign.started",
      "campaign.ended",
      "payout.paid",
      "payout.failed",
      "payout_run.finished",
    ]);
    expect(EndpointInput.safeParse({ url: "https://shop.example.test/kc", events: ["voucher.redeemed"] }).success).toBe(true);
    // Internal work (payout runs, deliveries) is not something a merchant can subscribe to.
    expect(EndpointInput.safeParse({ url: "https://shop.example.test/kc", events: ["payout_run.requested"] }).success).toBe(false);
  });

  it("decides what the live feed shows and in which words", () => {
    expect(EVENT_TYPES.filter((type) => isFeedEvent({ type }))).toEqual(["card.enrolled", "card.balance_changed", "voucher.issued", "voucher.redeemed"]);
    expect(eventLabel("voucher.redeemed")).toBe(EVENT_CATALOGUE["voucher.redeemed"].label);
    expect(eventLabel("cards.bulk_changed")).toBe("cards.bulk_changed");
  });
});
