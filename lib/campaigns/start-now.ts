import { and, eq } from "drizzle-orm";
import type { Executor } from "../../db/client";
import { campaigns } from "../../db/schema";
import { activateCampaign, announceCampaign } from "./run";

/**
 * Development only (the dev tools page, end-to-end tests without an Inngest server): starts the
 * scheduled campaigns of that name at once and announces them, the steps the campaign lifecycle
 * job runs at their start time. Returns how many started and how many emails went out.
 */
export async function startCampaignsNow(db: Executor, name: string): Promise<{ started: number; emailed: number }> {
  const due = await db
    .select({ id: campaigns.id, scheduleVersion: campaigns.scheduleVersion })
    .from(campaigns)
    .where(and(eq(campaigns.name, name), eq(campaigns.status, "scheduled")));
  let started = 0;
  let emailed = 0;
  for (const c of due) {
    const activated = await activateCampaign(db, c.id, c.scheduleVersion);
    if (!activated.ok) continue;
    started++;
    let after = "";
    for (;;) {
      const batch = await announceCampaign(db, c.id, after);
      emailed += batch.emailed;
      if (!batch.lastId) break;
      after = batch.lastId;
    }
  }
  return { started, emailed };
}
