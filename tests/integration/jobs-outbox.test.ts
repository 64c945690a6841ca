import { InngestTestEngine } from "@inngest/test";
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";

const fake = await vi.hoisted(async () => {
  const { useInngestFake } = await import("../support/inngest-fake");
  return useInngestFake({ sendTimeoutMs: 800 });
});

import { outboxEvents } from "@/db/schema";
import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { resetDispatchBackoff, settleDispatch } from "@/lib/events/after-commit";
import { outboxSweep } from "@/jobs/outbox-sweep";
import { settleCommitHooks } from "@/db/commit";
import { withTransaction } from "@/lib/context";
import { earn } from "@/lib/ledger/earn";
import { creditMany } from "@/lib/ledger/bulk";
import { writeEventsSteadily } from "../support/event-stream";
import { call, makeCard, makeMerchant, makeProgram } from "../support/fixtures";

afterAll(() => fake.close());

async function outboxOf(m: { db: Awaited<ReturnType<typeof makeMerchant>>["db"]; merchantId: string }) {
  return m.db.select().from(outboxEvents).where(eq(outboxEvents.merchantId, m.merchantId));
}

async function sweep() {
  const engine = new InngestTestEngine({ function: outboxSweep });
  const { result, error } = await engine.execute();
  expect(error).toBeUndefined();
  return result as { sent: number; error: string | null };
}

describe("outbox dispatch", () => {
  it("keeps requests working while Inngest is away, and the sweep delivers each event once later", async () => {
    // Away before the business is made: its setup's events (a card enrolled) are sent after their
    // commits too, and none of this business's events may get out before the sweep.
    fake.setMode("down");
    resetDispatchBackoff();
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    await settleDispatch();

    const first = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 10 } });
    expect(first.status).toBe(201);
    await settleDispatch();

    fake.setMode("hang");
    resetDispatchBackoff();
    const second = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 5 } });
    expect(second.status).toBe(201);
    expect(second.body.card.balance).toBe(15);
    await settleDispatch();

    const waiting = await m.db
      .select()
      .from(outboxEvents)
      .where(and(eq(outboxEvents.merchantId, m.merchantId), isNull(outboxEvents.dispatchedAt)));
    expect(waiting.filter((e) => e.type === "card.balance_changed")).toHaveLength(2);
    expect(waiting.some((e) => e.lastError)).toBe(true);
    const mine = new Set((await outboxOf(m)).map((e) => e.id));
    expect(fake.received.filter((e) => e.id && mine.has(e.id))).toHaveLength(0);

    fake.setMode("up");
    await sweep();
    const rows = await outboxOf(m);
    expect(rows.every((e) => e.dispatchedAt !== null)).toBe(true);
    // The SDK keeps retrying a send that lost our timeout, so the hung request's events may also land
    // late. That is safe only because every post carries the outbox id, which Inngest deduplicates on:
    // check exactly that — each event arrived, always under its own id, never as an id-less copy.
    const ours = fake.received.filter((e) => e.data.merchantId === m.merchantId);
    expect(ours.every((e) => e.id && mine.has(e.id))).toBe(true);
    for (const row of rows) {
      const posted = fake.received.filter((e) => e.id === row.id);
      // Once from the sweep, plus however many of the SDK's retries of the hung send landed (a loaded
      // machine saw two): each under the event's id. That the sweep sends nothing twice is checked below.
      expect(posted.length).toBeGreaterThanOrEqual(1);
      expect(fake.accepted.get(row.id)).toMatchObject({ name: row.type, data: { ...row.payload, merchantId: m.merchantId } });
    }

    // A second sweep finds nothing of ours left to send. The SDK's own retries of the hung send may
    // still be landing: count only once they have stopped, so the comparison sees the sweep alone.
    const ourPosts = () => fake.received.filter((e) => e.id && mine.has(e.id)).length;
    for (let last = -1, stableSince = Date.now(), deadline = Date.now() + 15_000; Date.now() < deadline; ) {
      const now = ourPosts();
      if (now !== last) [last, stableSince] = [now, Date.now()];
      else if (Date.now() - stableSince >= 2_000) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const before = ourPosts();
    await sweep();
    expect(ourPosts()).toBe(before);
  });

  it("sends a request's events right after commit when Inngest is up, with the outbox id as event id", async () => {
    fake.setMode("up");
    resetDispatchBackoff();
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const res = await call(earnRoute, { key: m.apiKey, params: { id: card.id }, body: { points: 7 } });
    expect(res.status).toBe(201);
    await settleDispatch();

    const [event] = (await outboxOf(m)).filter((e) => e.type === "card.balance_changed");
    expect(event!.dispatchedAt).not.toBeNull();
    expect(fake.accepted.get(event!.id)).toMatchObject({ name: "card.balance_changed", data: { cardId: card.id, amount: 7, balance: 7 } });
  });

  it("sends what a verb wrote once it commits, whoever called it (a job, a script), a bulk credit's per-card events included; nothing of a rollback", async () => {
    fake.setMode("up");
    resetDispatchBackoff();
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const [a, b] = [await makeCard(m, program.id), await makeCard(m, program.id)];
    // No route and no server action around these: the write itself starts the dispatch after its commit.
    await earn(m.ctx, { cardId: a.id, points: 3 });
    await creditMany(m.ctx, { program, points: 2, grantKey: `outbox-test:${m.merchantId}` });
    await expect(
      withTransaction(m.ctx, async (tx) => {
        await earn(tx, { cardId: b.id, points: 99 });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    await settleDispatch();

    const rows = (await outboxOf(m)).filter((e) => e.type === "card.balance_changed");
    expect(rows.map((e) => [e.payload.cardId, e.payload.amount]).sort()).toEqual([[a.id, 2], [a.id, 3], [b.id, 2]].sort());
    expect(rows.every((e) => e.dispatchedAt !== null)).toBe(true);
    const sent = fake.received.filter((e) => e.data.merchantId === m.merchantId && e.name === "card.balance_changed");
    expect(sent.map((e) => e.id).sort()).toEqual(rows.map((e) => e.id).sort());
    expect(sent.some((e) => e.data.amount === 99)).toBe(false);
  });

  it("a write's dispatch ends with the round that sent its events, while other writes keep coming", async () => {
    fake.setMode("up");
    resetDispatchBackoff();
    const m = await makeMerchant();
    const { writes, runningAtEnd } = await writeEventsSteadily(m);
    // Were each write's hook to wait for the dispatch loop to stop, all of them would still be running.
    expect(runningAtEnd).toBeLessThan(writes / 2);
    await settleCommitHooks();
    await settleDispatch();
    const sent = new Set(fake.received.filter((e) => e.data.merchantId === m.merchantId).map((e) => e.id));
    expect((await outboxOf(m)).filter((e) => e.type === "merchant.changed").every((e) => sent.has(e.id))).toBe(true);
  });
});
