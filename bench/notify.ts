// bench/notify — what a NOTIFY inside a write costs the database's commit rate. Postgres takes one
// database-wide lock on the notification queue at a notifying transaction's commit and keeps it
// through the commit's WAL flush: commits that notify cannot share a flush. This is why the app
// sends the live views' notifications after the commit (lib/outbox.ts, announceEvents). pgbench,
// no app: an earn-like write (update a card, insert an entry, one statement) alone — the reference —
// against the same write with a pg_notify in it (how every balance change used to notify), and
// against the write followed by the pg_notify as a statement of its own once the write has
// committed (that transaction writes no WAL, so its commit waits for no flush; the app sends one
// such statement per 50 ms for all its commits). Interleaved round by round, at 8 and 32 clients.
//
// Point BENCH_DATABASE_URL at a managed database to measure its ceiling (docs/scaling.md, "NOTIFY
// at commit"): a fresh database is made there and dropped afterwards. Needs the `pgbench` binary (PGBENCH names another).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { machine, median, ROUND_SECONDS, ROUNDS } from "./support/load";
import { freshDatabase, writeResult } from "./support/server";

const PGBENCH = process.env.PGBENCH ?? "pgbench";
const LEVELS = (process.env.BENCH_CONNECTIONS ?? "8,32").split(",").map(Number);
const CARDS = 1000;

// A live event as the outbox sends it: id, business, type, payload and time (~250 bytes).
// pgbench prepares with untyped parameters: each use of :id says its type.
const EVENT = `json_build_object('id', 'evt_' || :id::int, 'merchantId', 'mer_bench', 'type', 'card.earned',
  'payload', json_build_object('cardId', 'crd_' || :id::int, 'amount', 12, 'balanceAfter', :id::int, 'source', 'api', 'locationId', null),
  'at', now())::text`;
const WRITE = `with card as (update bench_cards set balance = balance + 12 where id = :id returning id, balance)
  insert into bench_entries (card_id, amount, balance_after) select id, 12, balance from card`;

const SCRIPTS = {
  reference: `\\set id random(1, ${CARDS})\n${oneLine(WRITE)};\n`,
  "notify in the write": `\\set id random(1, ${CARDS})\n${oneLine(`${WRITE} returning pg_notify('bench_events', ${EVENT})`)};\n`,
  "notify after commit": `\\set id random(1, ${CARDS})\n${oneLine(WRITE)};\n${oneLine(`select pg_notify('bench_events', ${EVENT})`)};\n`,
};
type Variant = keyof typeof SCRIPTS;

type Round = { tps: number; latencyMs: number; failed: number };

export async function runNotifyBench() {
  const version = spawnSync(PGBENCH, ["--version"], { encoding: "utf8" });
  if (version.status !== 0) throw new Error(`bench/notify needs pgbench (Debian: postgresql-client); "${PGBENCH} --version" failed: ${version.error?.message ?? version.stderr}`);
  const db = await freshDatabase("notify");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keepcard-notify-"));
  try {
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    await sql.unsafe(`create table bench_cards (id int primary key, balance int not null);
      insert into bench_cards select g, 0 from generate_series(1, ${CARDS}) g;
      create table bench_entries (id bigint generated always as identity primary key, card_id int not null, amount int not null,
        balance_after int not null, created_at timestamptz not null default now());`);
    const settings = await sql<{ name: string; setting: string }[]>`select name, setting from pg_settings where name in ('synchronous_commit', 'fsync', 'commit_delay', 'wal_sync_method', 'server_version')`;
    await sql.end();
    const files = Object.fromEntries(Object.entries(SCRIPTS).map(([name, text], i) => [name, writeScript(dir, `variant${i}.sql`, text)])) as Record<Variant, string>;

    run(db.url, files.reference, 8, 2); // warm the tables and the plans
    const levels = [];
    for (const clients of LEVELS) {
      const rounds: Record<Variant, Round[]> = { reference: [], "notify in the write": [], "notify after commit": [] };
      for (let r = 0; r < ROUNDS; r++) for (const name of Object.keys(SCRIPTS) as Variant[]) rounds[name].push(run(db.url, files[name], clients, ROUND_SECONDS));
      const summary = (name: Variant) => ({
        tps: Number(median(rounds[name].map((x) => x.tps)).toFixed(0)),
        latencyMs: Number(median(rounds[name].map((x) => x.latencyMs)).toFixed(2)),
        failed: rounds[name].reduce((s, x) => s + x.failed, 0),
        rounds: rounds[name].map((x) => Number(x.tps.toFixed(0))),
        // Against the reference of the same round.
        ratio: Number(median(rounds[name].map((x, i) => x.tps / rounds.reference[i]!.tps)).toFixed(3)),
      });
      const level = { clients, reference: summary("reference"), notifyInTheWrite: summary("notify in the write"), notifyAfterCommit: summary("notify after commit") };
      levels.push(level);
      console.log(
        `notify@${clients}: write alone ${level.reference.tps} tps | with NOTIFY in it ${level.notifyInTheWrite.tps} tps (ratio ${level.notifyInTheWrite.ratio}) | NOTIFY after commit ${level.notifyAfterCommit.tps} tps (ratio ${level.notifyAfterCommit.ratio})`,
      );
    }
    const result = {
      bench: "notify",
      at: new Date().toISOString(),
      note: "pgbench against Postgres, no app. tps counts scripts: one write (reference, notify in the write) or one write and then one NOTIFY statement (notify after commit). Each ratio is against the write alone, measured interleaved in the same run; medians over rounds.",
      setup: { cards: CARDS, roundSeconds: ROUND_SECONDS, rounds: ROUNDS, order: "reference, notify in the write, notify after commit, …", pgbench: version.stdout.trim(), scripts: SCRIPTS },
      database: Object.fromEntries(settings.map((s) => [s.name, s.setting])),
      machine: machine(),
      levels,
    };
    console.log(`wrote ${writeResult("notify", result)}`);
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
}

/** pgbench's script language takes one line per SQL command. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}

function writeScript(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** One pgbench round; prepared statements, as the app sends its hot statements (db/client.ts). */
function run(url: string, script: string, clients: number, seconds: number): Round {
  const out = spawnSync(PGBENCH, ["--no-vacuum", "--protocol=prepared", `--client=${clients}`, `--jobs=${Math.min(clients, os.cpus().length)}`, `--time=${seconds}`, `--file=${script}`, url], {
    encoding: "utf8",
  });
  const text = `${out.stdout}\n${out.stderr}`;
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(text)?.[1];
  if (out.status !== 0 || !tps) throw new Error(`pgbench failed (exit ${out.status}):\n${text}`);
  return {
    tps: Number(tps),
    latencyMs: Number(/latency average = ([\d.]+) ms/.exec(text)?.[1] ?? NaN),
    failed: Number(/number of failed transactions: (\d+)/.exec(text)?.[1] ?? 0),
  };
}
