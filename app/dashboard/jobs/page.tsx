import type { Metadata } from "next";
import { Alert, Badge, Card, PageHeader, Stat, formatDate, formatNumber } from "@/components/ui";
import { reportingJobs } from "@/jobs";
import { jobSystemStatus, type JobSystemStatus } from "@/lib/events/status";
import { merchantOf } from "@/lib/merchants/verbs";
import { requirePage } from "../../_server/session";

export const metadata: Metadata = { title: "Jobs" };

/** Background jobs that report each run: labels and schedules as each job's file declares them (jobs/). */
const JOBS: Array<{ name: string; label: string; when: string }> = reportingJobs.map((job) => ({ name: job.id, label: job.label, when: job.schedule.text }));

const MODE = {
  cloud: { label: "Inngest Cloud", text: "Events go to Inngest Cloud with your event key." },
  dev: { label: "Inngest dev server", text: "Events go to a local Inngest dev server (INNGEST_DEV)." },
  off: { label: "Not configured", text: "No Inngest event key and no dev server are set, so background jobs do not run here." },
} as const;

export default async function JobsPage() {
  const member = await requirePage("/dashboard/jobs");
  const [status, merchant] = await Promise.all([jobSystemStatus(member.ctx.db, member.ctx.merchantId), merchantOf(member.ctx)]);
  const tz = merchant.timezone;
  const beats = new Map(status.jobs.map((j) => [j.name, j]));
  const health = overall(status);

  return (
    <>
      <PageHeader title="Jobs" description="Expiry, reminders, payouts, campaigns, webhooks and wallet updates run in the background on Inngest. This page shows whether they can run." />
      <div className="space-y-6">
        <Alert tone={health.tone}>
          <p className="font-medium">{health.title}</p>
          <p className="mt-1">{health.text}</p>
        </Alert>

        <dl className="grid grid-cols-1 gap-3 sm:grid-cols-3">
          <Stat label="Inngest" value={MODE[status.mode].label} hint={MODE[status.mode].text} />
          <Stat
            label="Connection"
            value={status.mode === "off" ? "—" : status.connected === null ? "Not tried yet" : status.connected ? "Connected" : "Not reachable"}
            hint={status.lastDispatchError ? `Last error: ${status.lastDispatchError}` : status.mode === "off" ? "Nothing to connect to." : "From the last attempt to send events."}
          />
          <Stat
            label="Events waiting"
            value={formatNumber(status.outboxWaiting)}
            hint={status.oldestWaitingSince ? `The oldest since ${formatDate(status.oldestWaitingSince, tz)}` : "Everything has been sent."}
          />
        </dl>

        <Card aria-labelledby="runs-title">
          <h2 id="runs-title" className="font-semibold">
            Last runs
          </h2>
          <p className="mt-1 mb-3 text-sm text-gray-600">
            {status.lastSweepAt ? `The last sweep ran ${formatDate(status.lastSweepAt, tz)}.` : "The sweep has never run: nothing has called the job server yet."}
          </p>
          <div className="-mx-5 overflow-x-auto">
            <table className="w-full text-sm">
              <caption className="sr-only">When each background job last ran, and how it went</caption>
              <thead className="bg-gray-50 text-left text-gray-600">
                <tr>
                  <th scope="col" className="px-5 py-2 font-medium">
                    Job
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Runs
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Last run
                  </th>
                  <th scope="col" className="px-5 py-2 font-medium">
                    Result
                  </th>
                </tr>
              </thead>
              <tbody>
                {JOBS.map((job) => {
                  const beat = beats.get(job.name);
                  return (
                    <tr key={job.name} className="border-t border-gray-100 align-top">
                      <td className="px-5 py-3">
                        <p className="font-medium">{job.label}</p>
                        <p className="font-mono text-xs text-gray-600">{job.name}</p>
                      </td>
                      <td className="px-3 py-3 text-gray-700">{job.when}</td>
                      <td className="px-3 py-3 whitespace-nowrap">{beat ? formatDate(beat.lastRunAt, tz) : "never"}</td>
                      <td className="px-5 py-3">
                        {!beat ? (
                          <Badge>no run yet</Badge>
                        ) : beat.lastError ? (
                          <>
                            <Badge tone="red">failed</Badge>
                            <p className="mt-1 text-xs break-words text-gray-700">{beat.lastError}</p>
                            {beat.lastOkAt ? <p className="text-xs text-gray-600">Last good run {formatDate(beat.lastOkAt, tz)}</p> : null}
                          </>
                        ) : (
                          <Badge tone="green">ok</Badge>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </Card>

        <Card aria-labelledby="help-title">
          <h2 id="help-title" className="font-semibold">
            Nothing runs on my computer
          </h2>
          <div className="mt-2 space-y-3 text-sm text-gray-700">
            <p>
              That is expected without a job server. Every change is saved, and its events wait in the outbox; nothing is lost. Campaigns will not start, points will not expire, payouts and
              webhooks will not go out, and wallet passes will not update, until a job server picks the events up.
            </p>
            <ol className="list-decimal space-y-2 pl-5">
              <li>
                Start the app with <code className="rounded bg-gray-100 px-1 font-mono">INNGEST_DEV=1 npm run dev</code>.
              </li>
              <li>
                In a second terminal, start the Inngest dev server:{" "}
                <code className="rounded bg-gray-100 px-1 font-mono break-all">npx inngest-cli@latest dev -u http://localhost:3000/api/inngest</code>. Its own page is at{" "}
                <code className="rounded bg-gray-100 px-1 font-mono">http://localhost:8288</code>.
              </li>
              <li>Within a minute the sweep sends what waited, and this page shows “Connected” with no events waiting.</li>
            </ol>
            <p>
              In production, set <code className="rounded bg-gray-100 px-1 font-mono">INNGEST_EVENT_KEY</code> and <code className="rounded bg-gray-100 px-1 font-mono">INNGEST_SIGNING_KEY</code> and
              register <code className="rounded bg-gray-100 px-1 font-mono">/api/inngest</code> in Inngest Cloud. If it says “Not reachable”, check those keys and that Inngest can reach this
              address.
            </p>
          </div>
        </Card>
      </div>
    </>
  );
}

function overall(s: JobSystemStatus): { tone: "error" | "success" | "info"; title: string; text: string } {
  const waiting = s.outboxWaiting ? ` ${formatNumber(s.outboxWaiting)} ${s.outboxWaiting === 1 ? "event is" : "events are"} waiting and will go out once it is.` : "";
  if (s.mode === "off") return { tone: "info", title: "Background jobs are not running here", text: `No job server is configured, which is normal on a laptop.${waiting} The steps below start one.` };
  if (s.connected === false) return { tone: "error", title: "Inngest cannot be reached", text: `Sending events failed the last time it was tried.${waiting}` };
  if (s.connected === null) return { tone: "info", title: "Waiting for the first events", text: "Inngest is configured, but nothing has been sent to it yet." };
  return { tone: "success", title: "Background jobs are running", text: s.outboxWaiting ? `${formatNumber(s.outboxWaiting)} events are on their way.` : "Everything has been sent." };
}
