import { DISPATCH_HEARTBEAT } from "../lib/events/dispatch";
import { campaignLifecycleJob } from "./campaign-lifecycle";
import { expiryRemindersJob } from "./expiry-reminders";
import { goalsSettleJob } from "./goals-settle";
import { insightsRefreshJob } from "./insights-refresh";
import { fraudCheckJob } from "./fraud-check";
import { fraudSweepJob } from "./fraud-sweep";
import { weeklyDigestJob } from "./weekly-digest";
import type { Job, JobInfo } from "./job";
import { lifecycleBonusesJob } from "./lifecycle-bonuses";
import { outboxSweepJob } from "./outbox-sweep";
import { payoutRunJob } from "./payout-run";
import { payoutScheduleJob } from "./payout-schedule";
import { pointsExpiryJob } from "./points-expiry";
import { walletSyncJob } from "./wallet-sync";
import { walletSyncMerchantJob } from "./wallet-sync-merchant";
import { walletSyncMessageJob } from "./wallet-sync-message";
import { walletSyncProgramJob } from "./wallet-sync-program";
import { webhookDeliverJob } from "./webhook-deliver";
import { webhookFanoutJob } from "./webhook-fanout";

/** Every background job, one Inngest function per file in jobs/, each with its label and schedule. */
export const jobs: Job[] = [
  outboxSweepJob,
  pointsExpiryJob,
  expiryRemindersJob,
  insightsRefreshJob,
  lifecycleBonusesJob,
  payoutScheduleJob,
  payoutRunJob,
  campaignLifecycleJob,
  goalsSettleJob,
  webhookFanoutJob,
  webhookDeliverJob,
  walletSyncJob,
  walletSyncProgramJob,
  walletSyncMerchantJob,
  walletSyncMessageJob,
  fraudCheckJob,
  fraudSweepJob,
  weeklyDigestJob,
];

/** The Inngest functions the serve endpoint (app/api/inngest) registers. */
export const functions = jobs.map((j) => j.fn);

/**
 * What the Jobs page lists: the work that records a heartbeat of each run. The send right after a
 * commit (lib/events/after-commit.ts) is not an Inngest function but reports like one.
 */
export const reportingJobs: JobInfo[] = [
  { id: DISPATCH_HEARTBEAT, label: "Sending events", schedule: { text: "right after each change" }, reportsRuns: true },
  ...jobs.filter((j) => j.reportsRuns),
];
