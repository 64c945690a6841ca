import { dbReady } from "../db/client";
import { activateCampaign, announceCampaign, endCampaign } from "../lib/campaigns/run";
import { events, inngest } from "../lib/events/inngest";
import { describeJob } from "./job";

const MAX_ANNOUNCE_BATCHES = 1000;

/**
 * A scheduled campaign: sleep until the start, activate (audience, one-off bonus), announce,
 * sleep until the end, deactivate. `campaign.cancelled` stops the run wherever it is; every step
 * also re-reads the campaign, so a cancel or a reschedule that races the run is still honoured.
 */
export const campaignLifecycle = inngest.createFunction(
  {
    id: "campaign-lifecycle",
    name: "Campaigns (start, announce, end)",
    triggers: [events["campaign.scheduled"]],
    cancelOn: [{ event: events["campaign.cancelled"], match: "data.campaignId" }],
    retries: 5,
  },
  async ({ event, step }) => {
    const { campaignId, scheduleVersion } = event.data;
    await step.sleepUntil("wait-for-start", new Date(event.data.startsAt));

    const activated = await step.run("activate", async () => {
      return activateCampaign(await dbReady(), campaignId, scheduleVersion);
    });
    if (!activated.ok) return { campaignId, skipped: activated.reason };

    let after = "";
    let announced = 0;
    for (let i = 0; i < MAX_ANNOUNCE_BATCHES; i++) {
      const batch = await step.run(`announce-${i}`, async () => {
        return announceCampaign(await dbReady(), campaignId, after);
      });
      announced += batch.count;
      if (!batch.lastId) break;
      after = batch.lastId;
    }

    await step.sleepUntil("wait-for-end", new Date(event.data.endsAt));
    const ended = await step.run("deactivate", async () => endCampaign(await dbReady(), campaignId, scheduleVersion));
    return { campaignId, bonusCards: activated.bonusCards, announced, ended: ended.ended };
  },
);

export const campaignLifecycleJob = describeJob(campaignLifecycle, { reportsRuns: false });
