import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { dbReady, type Executor } from "@/db/client";
import { onCommit, runningCommitHooks, settleCommitHooks } from "@/db/commit";
import { customers } from "@/db/schema";
import { newId } from "@/lib/ids";
import { writeEventsSteadily } from "../support/event-stream";
import { makeMerchant } from "../support/fixtures";

class Rollback extends Error {}

// The embedded database has one connection: a statement outside an open transaction waits for it.
const onPostgres = (process.env.TEST_DB ?? "pglite") === "postgres";

/**
 * A business, the id of a customer a test may write, and a hook that records each time it runs
 * whether that customer could be seen committed (read on the database, not the transaction).
 */
async function probe() {
  const m = await makeMerchant();
  const id = newId("cus");
  const runs: { seen: boolean }[] = [];
  const hook = async () => {
    const db = await dbReady();
    const rows = await db.execute(sql`select 1 from ${customers} where id = ${id}`);
    runs.push({ seen: (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows).length === 1 });
  };
  return { m, id, runs, hook };
}

async function addCustomer(db: Executor, merchantId: string, id: string) {
  await db.insert(customers).values({ id, merchantId, email: `${id}@example.test` });
}

describe("onCommit (db/commit.ts)", () => {
  it("on the database itself runs at once: its statement has committed", async () => {
    const { m, id, runs, hook } = await probe();
    await addCustomer(m.db, m.merchantId, id);
    onCommit(m.db, hook);
    await settleCommitHooks();
    expect(runs).toEqual([{ seen: true }]);
  });

  it("in a transaction waits for its commit, and then sees what it wrote", async () => {
    const { m, id, runs, hook } = await probe();
    await m.db.transaction(async (tx) => {
      await addCustomer(tx, m.merchantId, id);
      onCommit(tx, hook);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(runs).toEqual([]);
    });
    await settleCommitHooks();
    expect(runs).toEqual([{ seen: true }]);
  });

  it("never runs for a transaction that rolled back", async () => {
    const { m, id, runs, hook } = await probe();
    await expect(
      m.db.transaction(async (tx) => {
        await addCustomer(tx, m.merchantId, id);
        onCommit(tx, hook);
        throw new Rollback("no");
      }),
    ).rejects.toBeInstanceOf(Rollback);
    await settleCommitHooks();
    expect(runs).toEqual([]);
  });

  it("in a savepoint waits for the outermost commit", async () => {
    const { m, id, runs, hook } = await probe();
    await m.db.transaction(async (tx) => {
      await tx.transaction(async (inner) => {
        await addCustomer(inner, m.merchantId, id);
        onCommit(inner, hook);
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(runs).toEqual([]);
    });
    await settleCommitHooks();
    expect(runs).toEqual([{ seen: true }]);
  });

  // Skipped on the embedded database: its one connection makes the write below wait for the transaction.
  it.runIf(onPostgres)("a write on the database made while a transaction is open is not held back by it", async () => {
    const { m, id, runs, hook } = await probe();
    await expect(
      m.db.transaction(async () => {
        await addCustomer(m.db, m.merchantId, id);
        onCommit(m.db, hook);
        await settleCommitHooks();
        throw new Rollback("the transaction's own writes go; the other statement's stay");
      }),
    ).rejects.toBeInstanceOf(Rollback);
    expect(runs).toEqual([{ seen: true }]);
  });

  it("a hook that fails is logged and does not stop the others", async () => {
    const m = await makeMerchant();
    const order: string[] = [];
    await m.db.transaction(async (tx) => {
      onCommit(tx, () => {
        order.push("first");
        throw new Error("boom");
      });
      onCommit(tx, async () => {
        order.push("second");
      });
    });
    await settleCommitHooks();
    expect(order).toEqual(["first", "second"]);
  });

  it("a write's announcement ends once its events are sent, while other writes keep coming", async () => {
    const { writes, runningAtEnd } = await writeEventsSteadily(await makeMerchant());
    // Each write's hook ended when its own events were sent: only those of the last moments still run.
    // (Were a hook to wait until the queue ran dry, all of them would still be running here.)
    expect(runningAtEnd).toBeLessThan(writes / 2);
    await settleCommitHooks();
    expect(runningCommitHooks()).toBe(0);
  });
});
