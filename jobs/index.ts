import type { InngestFunction } from "inngest";
import { campaignLifecycle } from "./campaign-lifecycle";
import { expiryRemindersJob } from "./expiry-reminders";
import { lifecycleBonuses } from "./lifecycle-bonuses";
import { outboxSweep } from "./outbox-sweep";
import { payoutRun } from "./payout-run";
import { payoutSchedule } from "./payout-schedule";
import { pointsExpiry } from "./points-expiry";
import { walletSync } from "./wallet-sync";
import { webhookDeliver } from "./webhook-deliver";
import { webhookFanout } from "./webhook-fanout";
import { walletSyncMerchant } from "./wallet-sync-merchant";
import { walletSyncMessage } from "./wallet-sync-message";
import { walletSyncProgram } from "./wallet-sync-program";

/** Every Inngest function, one per file in jobs/. The serve endpoint registers this list. */
export const functions: InngestFunction.Any[] = [outboxSweep, pointsExpiry, expiryRemindersJob, payoutRun, payoutSchedule, campaignLifecycle, lifecycleBonuses, webhookFanout, webhookDeliver, walletSync, walletSyncProgram, walletSyncMerchant, walletSyncMessage];
