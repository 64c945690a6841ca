import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPaypalFake } from "../support/paypal-fake";
import { startStripeFake } from "../support/stripe-fake";

/*
 * Exactly once under crashes: a payout run in its own process is killed with SIGKILL after some
 * payments reached the provider's fake and before their outcomes were written, then started
 * again; every customer is paid exactly once at the provider and every card's ledger balances.
 * Each step is a process of its own on the test's database (Postgres, or a PGlite directory that
 * one process at a time opens).
 */

let stripe: Awaited<ReturnType<typeof startStripeFake>>;
let paypal: Awaited<ReturnType<typeof startPaypalFake>>;
let pgliteDir: string | null = null;

beforeAll(async () => {
  [stripe, paypal] = await Promise.all([startStripeFake(), startPaypalFake()]);
  if (!process.env.DATABASE_URL) pgliteDir = mkdtempSync(path.join(tmpdir(), "keepcard-crash-"));
});
afterAll(async () => {
  await Promise.all([stripe.close(), paypal.close()]);
  if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
});

function childEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...(pgliteDir ? { PGLITE_DIR: pgliteDir } : {}),
    STRIPE_SECRET_KEY: stripe.secretKey,
    STRIPE_API_BASE: stripe.url,
    PAYPAL_CLIENT_ID: paypal.clientId,
    PAYPAL_CLIENT_SECRET: paypal.clientSecret,
    PAYPAL_API_BASE: paypal.url,
    PAYOUT_TIMEOUT_MS: "5000",
  };
}

/** Starts the child; `started` is the process (to kill), `done` its exit and the JSON it printed. */
function child(args: string[]): { process: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; result: unknown }> } {
  const proc = spawn(process.execPath, ["--import", "tsx", "tests/support/payout-crash-child.ts", ...args], { env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stdout!.on("data", (c) => (out += c));
  proc.stderr!.on("data", (c) => (err += c));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; result: unknown }>((resolve) =>
    proc.on("exit", (code, signal) => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (code !== 0 && signal !== "SIGKILL") console.error(err);
      resolve({ code, signal, result: line ? JSON.parse(line.slice(7)) : null });
    }),
  );
  return { process: proc, done };
}

async function step<T>(args: string[]): Promise<T> {
  const { code, result } = await child(args).done;
  expect(code).toBe(0);
  return result as T;
}

type Seeded = { programId: string; cards: Array<{ cardId: string; destination: string; amount: number }> };
type Verified = { payouts: Array<{ cardId: string; amount: number; status: string }>; cards: Array<{ id: string; balance: number; ledger: number }> };

function expectBalanced(verified: Verified, seeded: Seeded, status: string) {
  // One payout per card, of its whole cashback, and every card's ledger adds up to its balance (0).
  expect(verified.payouts).toHaveLength(seeded.cards.length);
  for (const card of seeded.cards) {
    expect(verified.payouts.filter((p) => p.cardId === card.cardId)).toEqual([expect.objectContaining({ amount: card.amount, status })]);
  }
  for (const c of verified.cards) expect(c).toMatchObject({ balance: 0, ledger: 0 });
}

describe("a payout run killed halfway and started again", () => {
  it("Stripe: transfers each customer exactly once", { timeout: 240_000 }, async () => {
    const destinations = Array.from({ length: 24 }, () => stripe.readyAccount());
    const seeded = await step<Seeded>(["seed", "stripe", JSON.stringify(destinations)]);
    stripe.state.delayTransfersMs = 40;

    const first = child(["run", seeded.programId]);
    const KILL_AFTER = 8;
    let created = 0;
    stripe.onTransfer(() => {
      if (++created === KILL_AFTER) first.process.kill("SIGKILL");
    });
    const killed = await first.done;
    expect(killed.signal).toBe("SIGKILL");
    const mine = () => [...stripe.transfers.values()].filter((t) => destinations.includes(t.destination));
    const paidBeforeCrash = mine().length;
    expect(paidBeforeCrash).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(paidBeforeCrash).toBeLessThan(destinations.length);

    const second = await step<{ report: { paid: number; failed: number; pending: number } }>(["run", seeded.programId]);
    expect(second.report).toMatchObject({ paid: destinations.length, failed: 0, pending: 0 });
    // The payouts that reached Stripe before the crash were sent again with the same key, and Stripe answered with the first transfer.
    expect(stripe.state.replays).toBeGreaterThanOrEqual(paidBeforeCrash);
    for (const card of seeded.cards) {
      const transfers = mine().filter((t) => t.destination === card.destination);
      expect(transfers.map((t) => t.amount)).toEqual([card.amount]);
    }
    expectBalanced(await step<Verified>(["verify", seeded.programId]), seeded, "paid");
  });

  it("PayPal: pays each customer in exactly one batch item", { timeout: 240_000 }, async () => {
    const emails = Array.from({ length: 24 }, (_, i) => `crash-${i}-${Date.now()}@example.test`);
    const seeded = await step<Seeded>(["seed", "paypal", JSON.stringify(emails)]);

    const first = child(["run", seeded.programId]);
    let batches = 0;
    // Killed as PayPal accepts the second batch, before the run writes that it was sent.
    paypal.onBatch(() => {
      if (++batches === 2) first.process.kill("SIGKILL");
    });
    expect((await first.done).signal).toBe("SIGKILL");
    const mine = () => paypal.items().filter((i) => emails.includes(i.payout_item.receiver));
    expect(mine().length).toBeGreaterThan(0);
    expect(mine().length).toBeLessThan(emails.length);

    const second = await step<{ report: { sent: number; failed: number; pending: number } }>(["run", seeded.programId]);
    expect(second.report).toMatchObject({ sent: emails.length, failed: 0, pending: 0 });
    expect(paypal.state.replays).toBeGreaterThanOrEqual(1);
    for (const card of seeded.cards) {
      const items = mine().filter((i) => i.payout_item.receiver === card.destination);
      expect(items.map((i) => i.payout_item.amount.value)).toEqual([(card.amount / 100).toFixed(2)]);
    }
    expectBalanced(await step<Verified>(["verify", seeded.programId]), seeded, "sent");
  });
});
