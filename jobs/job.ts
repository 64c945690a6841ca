import type { InngestFunction } from "inngest";
import { eventLabel } from "../lib/events/catalogue";

/** When a job runs: its cron expression or the events that start it, and the same in words. */
type JobSchedule = { cron?: string; events?: string[]; text: string };

/** What the Jobs page shows of a background job. `id` is also the name its heartbeat is recorded under. */
export type JobInfo = { id: string; label: string; schedule: JobSchedule; reportsRuns: boolean };

export type Job = JobInfo & { fn: InngestFunction.Any };

/**
 * A job as the dashboard describes it, read from the Inngest function itself: its id, its `name`
 * (the label, also shown in Inngest's own UI) and its triggers, so a schedule is written once, in
 * the `createFunction` call. `reportsRuns`: the job records a heartbeat (lib/events/heartbeat.ts)
 * under its id.
 */
export function describeJob(fn: InngestFunction.Any, opts: { reportsRuns: boolean }): Job {
  const id = fn.id();
  const label = (fn.opts as { name?: string }).name;
  if (!label) throw new Error(`Inngest function ${id} needs a name: the Jobs page shows it`);
  return { id, label, schedule: scheduleOf(fn), reportsRuns: opts.reportsRuns, fn };
}

type Trigger = { cron?: string; event?: string | { name: string } };

function scheduleOf(fn: InngestFunction.Any): JobSchedule {
  const triggers = ((fn.opts as { triggers?: Trigger[] }).triggers ?? []) as Trigger[];
  const crons = triggers.flatMap((t) => (t.cron ? [t.cron] : []));
  const events = triggers.flatMap((t) => (t.event ? [typeof t.event === "string" ? t.event : t.event.name] : []));
  if (crons.length > 0) return { cron: crons[0], text: crons.map(describeCron).join("; ") };
  if (events.length > 0) return { events, text: `on ${events.map((e) => `“${eventLabel(e)}”`).join(", ")}` };
  return { text: "when called" };
}

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const pad = (n: number) => String(n).padStart(2, "0");

/**
 * A cron expression in words: "every minute", "hourly at :05", "daily at 08:00 UTC", "weekly on
 * Monday at 02:00 UTC", "monthly on day 1 at 02:00 UTC". Inngest runs crons in UTC unless the
 * expression starts with `TZ=<zone>`. Shapes it does not know come back as the expression itself.
 */
export function describeCron(expression: string): string {
  const zoned = /^(?:CRON_)?TZ=(\S+)\s+(.+)$/.exec(expression.trim());
  const zone = zoned ? zoned[1]! : "UTC";
  const fields = (zoned ? zoned[2]! : expression.trim()).split(/\s+/);
  const fallback = `on the cron schedule “${expression.trim()}”${zoned ? "" : " (UTC)"}`;
  if (fields.length !== 5) return fallback;
  const [min, hour, dom, mon, dow] = fields as [string, string, string, string, string];
  const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : null);
  const every = (s: string) => {
    const m = /^\*\/(\d+)$/.exec(s);
    return m ? Number(m[1]) : null;
  };
  const m = num(min);
  const h = num(hour);
  const at = m !== null && h !== null ? `at ${pad(h)}:${pad(m)} ${zone}` : null;
  if (mon !== "*") return fallback;
  if (dom === "*" && dow === "*") {
    if (min === "*" && hour === "*") return "every minute";
    if (every(min) !== null && hour === "*") return `every ${every(min)} minutes`;
    if (m !== null && hour === "*") return `hourly at :${pad(m)}`;
    if (m !== null && every(hour) !== null) return `every ${every(hour)} hours at :${pad(m)}`;
    if (at) return `daily ${at}`;
  }
  if (at && dom === "*" && num(dow) !== null && num(dow)! <= 7) return `weekly on ${DAYS[num(dow)! % 7]} ${at}`;
  if (at && dow === "*" && num(dom) !== null) return `monthly on day ${num(dom)} ${at}`;
  return fallback;
}
