import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET as reportRoute } from "@/app/api/v1/reports/[name]/route";
import { campaigns, customers, ledgerEntries } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys/verbs";
import { newId } from "@/lib/ids";
import { adjust } from "@/lib/ledger/adjust";
import { earn } from "@/lib/ledger/earn";
import { reverse } from "@/lib/ledger/reverse";
import { createLocation } from "@/lib/locations/verbs";
import { textCell } from "@/lib/reports/csv";
import { openReport } from "@/lib/reports/export";
import { redeemReward } from "@/lib/rewards/redeem";
import { checkContract } from "../support/api-contract";
import { makeCard, makeMerchant, makeProgram, makeReward, makeUser, type TestMerchant } from "../support/fixtures";

/** Reads a stream to its end, chunk by chunk, as a client would. */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ text: string; chunks: number; largest: number }> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let chunks = 0;
  let largest = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks++;
    largest = Math.max(largest, value.byteLength);
    text += decoder.decode(value, { stream: true });
  }
  return { text, chunks, largest };
}

/** A minimal RFC 4180 reader for the tests: quoted cells, doubled quotes, CRLF lines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  return rows;
}

function records(text: string): Record<string, string>[] {
  const [head, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i]!])));
}

async function csvOf(m: TestMerchant, name: string, query: Record<string, string> = {}) {
  const report = await openReport(m.ctx, { name, ...query });
  return records((await readAll(report.body)).text);
}

const DAY = 86_400_000;

/** A small history with known answers: two members, earns with purchases, an adjustment, a reversal, a voucher and a campaign. */
async function history() {
  const m = await makeMerchant();
  const program = await makeProgram(m, { name: "Coffee Club", rules: { basis: "amount", rate: 1 } });
  const cash = await makeProgram(m, { name: "Cash", kind: "cashback", cashbackPercent: 10 });
  const location = await createLocation(m.ctx, { name: "Main St", latitude: null, longitude: null });
  const reward = await makeReward(m, program.id, 10);
  const ada = await makeCard(m, program.id, `ada-${m.merchantId.toLowerCase()}@example.test`);
  const bob = await makeCard(m, program.id, `bob-${m.merchantId.toLowerCase()}@example.test`);
  const carol = await makeCard(m, cash.id, `carol-${m.merchantId.toLowerCase()}@example.test`);
  await m.db.update(customers).set({ name: "=HYPERLINK(\"http://x\")" }).where(eq(customers.id, bob.customerId));
  const at = (daysAgo: number) => ({ ...m.ctx, now: () => new Date(Date.now() - daysAgo * DAY) });
  await earn(at(10), { cardId: ada.id, purchase: { amount: 2500, currency: "USD" }, locationId: location.id, reference: "R-1" });
  await earn(at(9), { cardId: bob.id, points: 40, reference: "-2+3, \"quoted\"" });
  const wrong = await earn(at(8), { cardId: ada.id, points: 5 });
  await reverse(at(7), { entryId: wrong.entry.id, reason: "typed twice" });
  await adjust(at(6), { cardId: bob.id, amount: -3, reason: "goodwill fix" });
  await earn(at(5), { cardId: carol.id, purchase: { amount: 1250, currency: "USD" } });
  const { voucher } = await redeemReward(at(4), { cardId: ada.id, rewardId: reward.id });
  return { m, program, cash, location, ada, bob, carol, voucher, at };
}

describe("exports", () => {
  it("members: one line per card with its holder, program, unit, balance and dates", async () => {
    const { m, ada, bob, carol } = await history();
    const rows = await csvOf(m, "members");
    expect(Object.keys(rows[0]!)).toEqual(["card_id", "email", "name", "program", "unit", "balance", "lifetime_earned", "tier", "status", "joined_at", "last_activity_at", "marketing_consent_at"]);
    const byCard = Object.fromEntries(rows.map((r) => [r.card_id, r]));
    expect(Object.keys(byCard).sort()).toEqual([ada.id, bob.id, carol.id].sort());
    expect(byCard[ada.id]).toMatchObject({ program: "Coffee Club", unit: "points", balance: "15", lifetime_earned: "30", status: "active" });
    expect(byCard[bob.id]).toMatchObject({ balance: "37", name: "'=HYPERLINK(\"http://x\")" });
    // Cashback balances are money, written with the currency's decimals.
    expect(byCard[carol.id]).toMatchObject({ program: "Cash", unit: "USD", balance: "1.25", lifetime_earned: "1.25" });
    expect(byCard[ada.id]!.joined_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("ledger: every entry in order, with actor, location, reference and the purchase as money; the period filters", async () => {
    const { m, ada, bob, carol, location } = await history();
    const all = await csvOf(m, "ledger");
    expect(all.map((r) => [r.card_id, r.kind, r.amount])).toEqual([
      [ada.id, "earn", "25"],
      [bob.id, "earn", "40"],
      [ada.id, "earn", "5"],
      [ada.id, "reverse", "-5"],
      [bob.id, "adjust", "-3"],
      [carol.id, "earn", "1.25"],
      [ada.id, "redeem", "-10"],
    ]);
    expect(all[0]).toMatchObject({ location: location.name, reference: "R-1", purchase_amount: "25.00", purchase_currency: "USD", balance_after: "25", source: "test", actor_type: "system" });
    // Text a spreadsheet would run as a formula is neutralised; numbers keep their sign.
    expect(all[1]!.reference).toBe("'-2+3, \"quoted\"");
    expect(all[3]!.reverses_entry_id).toMatch(/^ent_/);
    expect(Number(all[1]!.seq)).toBeGreaterThan(Number(all[0]!.seq));
    expect(all[5]).toMatchObject({ unit: "USD", amount: "1.25", balance_after: "1.25", purchase_amount: "12.50" });

    const from = new Date(Date.now() - 8.5 * DAY).toISOString();
    const to = new Date(Date.now() - 5.5 * DAY).toISOString();
    const window = await csvOf(m, "ledger", { from, to });
    expect(window.map((r) => r.kind)).toEqual(["earn", "reverse", "adjust"]);
  });

  it("vouchers and campaign results", async () => {
    const { m, program, ada, bob, voucher, at } = await history();
    const vouchers = await csvOf(m, "vouchers");
    expect(vouchers).toHaveLength(1);
    expect(vouchers[0]).toMatchObject({ voucher_id: voucher.id, code: voucher.code, title: "Reward 10", status: "issued", card_id: ada.id, program: "Coffee Club", redeemed_at: "" });

    // A campaign that ran from 9.5 to 5.5 days ago for everyone in the program.
    const campaignId = newId("cmp");
    await m.db.insert(campaigns).values({
      id: campaignId,
      merchantId: m.merchantId,
      programId: program.id,
      name: "Spring, \"double\"",
      status: "ended",
      audience: { kind: "everyone" },
      effect: { kind: "multiplier", factor: 2 },
      startsAt: new Date(Date.now() - 9.5 * DAY),
      endsAt: new Date(Date.now() - 5.5 * DAY),
      budget: 500,
      spent: 45,
    });
    await earn(at(12), { cardId: bob.id, points: 1 }); // before: outside the window
    const [row, ...rest] = await csvOf(m, "campaigns");
    expect(rest).toHaveLength(0);
    // Inside the window: bob's 40 and ada's 5 (earns); the reversal and adjustment are not earns.
    expect(row).toMatchObject({ campaign_id: campaignId, name: "Spring, \"double\"", program: "Coffee Club", status: "ended", effect: "multiplier", participants: "2", points_issued: "45", redemptions: "0", budget: "500", spent: "45", unit: "points" });
    expect(await csvOf(m, "campaigns", { from: new Date(Date.now() - 2 * DAY).toISOString() })).toHaveLength(0);
  });

  it("json: the same fields as objects; amounts as numbers, money as decimal text", async () => {
    const { m, carol } = await history();
    const report = await openReport(m.ctx, { name: "ledger", format: "json" });
    expect(report.contentType).toMatch(/^application\/json/);
    const rows = JSON.parse((await readAll(report.body)).text) as Record<string, unknown>[];
    expect(rows).toHaveLength(7);
    expect(rows[0]).toMatchObject({ kind: "earn", amount: 25, purchase_amount: "25.00" });
    expect(rows.find((r) => r.card_id === carol.id)).toMatchObject({ amount: "1.25", unit: "USD" });
  });

  it("streams many rows in batches: the body arrives in many small chunks and is read lazily", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const ROWS = 5_000;
    await m.db.execute(sql`
      insert into ledger_entries (id, merchant_id, card_id, kind, amount, balance_after, actor_type, actor_id, source, created_at)
      select 'ent_bulk' || g, ${m.merchantId}, ${card.id}, 'earn', 1, g, 'system', 'test', 'test', now() - interval '1 day' + g * interval '1 millisecond'
      from generate_series(1, ${ROWS}) g`);
    const BATCH = 250;
    const report = await openReport(m.ctx, { name: "ledger" }, { batchRows: BATCH });
    const { text, chunks, largest } = await readAll(report.body);
    const lines = text.split("\r\n").filter(Boolean);
    expect(lines).toHaveLength(ROWS + 1);
    expect(lines.at(-1)).toContain(",5000,");
    // One chunk per batch (plus the header): never the whole file at once.
    expect(chunks).toBeGreaterThanOrEqual(ROWS / BATCH);
    expect(largest).toBeLessThan(text.length / 10);

    // A client that stops early: the cursor is closed and the database keeps answering.
    const early = await openReport(m.ctx, { name: "ledger" }, { batchRows: BATCH });
    const reader = early.body.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    const [count] = await m.db.select({ n: sql<number>`count(*)::int` }).from(ledgerEntries).where(eq(ledgerEntries.cardId, card.id));
    expect(count!.n).toBe(ROWS);
    // No connection is left behind by the cancelled cursor: nothing of ours is still running. Other test
    // files share the database and may be reading the ledger at this moment, so look a few times: a
    // stuck cursor shows on every look, another file's passing query does not.
    let running = -1;
    for (let look = 0; look < 20 && running !== 0; look++) {
      if (look > 0) await new Promise((resolve) => setTimeout(resolve, 250));
      const stuck = await m.db.execute(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and state is distinct from 'idle' and query like '%from ledger_entries e%' and pid <> pg_backend_pid()`);
      running = ((Array.isArray(stuck) ? stuck : (stuck as unknown as { rows: { n: number }[] }).rows)[0] as { n: number }).n;
    }
    expect(running).toBe(0);
  });

  it("CSV cells: quoting and formula neutralising", () => {
    expect(textCell("plain")).toBe("plain");
    expect(textCell("a,b")).toBe('"a,b"');
    expect(textCell('say "hi"')).toBe('"say ""hi"""');
    expect(textCell("two\nlines")).toBe('"two\nlines"');
    expect(textCell(" padded")).toBe('" padded"');
    for (const bad of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\r=x"]) expect(textCell(bad).replace(/^"/, "").startsWith("'")).toBe(true);
    expect(textCell(null)).toBe("");
  });

  it("another merchant's rows never appear; an unknown report is 404; roles without the export permission are refused", async () => {
    const { m } = await history();
    const other = await makeMerchant();
    expect(await csvOf(other, "ledger")).toEqual([]);
    expect(await csvOf(other, "members")).toEqual([]);
    await expect(openReport(m.ctx, { name: "secrets" })).rejects.toMatchObject({ code: "not_found" });
    await expect(openReport(m.ctx, { name: "ledger", from: "2026-02-01", to: "2026-01-01" })).rejects.toMatchObject({ code: "invalid" });
    for (const role of ["staff", "partner"] as const) {
      await expect(openReport({ ...m.ctx, actor: await makeUser(m, role) }, { name: "ledger" })).rejects.toMatchObject({ code: "forbidden" });
    }
    await expect(openReport({ ...m.ctx, actor: await makeUser(m, "marketer") }, { name: "ledger" })).resolves.toBeTruthy();
  });
});

describe("GET /api/v1/reports/{name}", () => {
  const get = async (key: string, name: string, query: Record<string, string> = {}) => {
    const url = new URL(`http://localhost:3000/api/v1/reports/${name}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return reportRoute(new Request(url, { headers: { authorization: `Bearer ${key}` } }), { params: Promise.resolve({ name }) });
  };

  it("streams CSV as an attachment, JSON per its contract, and problem+json for a bad name or period", async () => {
    const { m, ada } = await history();
    const csv = await get(m.apiKey, "members");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="members-\d{4}-\d\d-\d\d\.csv"$/);
    expect(csv.headers.get("ratelimit")).toBeTruthy();
    expect(records(await csv.text()).map((r) => r.card_id)).toContain(ada.id);

    const json = await get(m.apiKey, "ledger", { format: "json" });
    const body = await json.json();
    checkContract(reportRoute, "GET", json.status, body);
    expect(body).toHaveLength(7);

    const missing = await get(m.apiKey, "nope");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    const badPeriod = await get(m.apiKey, "ledger", { from: "yesterday" });
    expect(badPeriod.status).toBe(422);

    const { key: earnOnly } = await createApiKey(m.ctx, { name: "till", scopes: ["earn"] });
    expect((await get(earnOnly, "ledger")).status).toBe(403);
  });
});
