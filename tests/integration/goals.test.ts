import { InngestTestEngine } from "@inngest/test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { bonusGrants, cards, goalParticipants, ledgerEntries, vouchers } from "@/db/schema";
import { loadCardView } from "@/lib/cards/view";
import { createGoal, getGoal, listGoals, updateGoal, cancelGoal } from "@/lib/goals/verbs";
import { settleGoal } from "@/lib/goals/settle";
import { withTransaction } from "@/lib/context";
import { earn } from "@/lib/ledger/earn";
import { createLocation } from "@/lib/locations/verbs";
import { goalsSettle } from "@/jobs/goals-settle";
import { latestPass } from "@/wallet/apple/service";
import { makeCard, makeMerchant, makeProgram, makeReward, makeUser, type TestMerchant } from "../support/fixtures";
import { expectLedgerConsistent } from "../support/invariants";
import { readStoredZip, testAppleConfig } from "../support/wallet-certs";

const HOUR = 3_600_000;
const window = () => ({ startsAt: new Date(Date.now() - HOUR).toISOString(), endsAt: new Date(Date.now() + 24 * HOUR).toISOString() });

async function vouchersOf(m: TestMerchant, cardId: string) {
  return m.db.select().from(vouchers).where(eq(vouchers.cardId, cardId));
}

describe("group goals", () => {
  it("counts visits from the earns, shows progress on the card and the pass, and when reached gives each participant one voucher under concurrent and retried runs; a non-participant gets nothing", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { name: "Coffee Club" });
    const pastry = await makeReward(m, program.id, 500);
    const marketer = await makeUser(m, "marketer");
    const goal = await createGoal({ ...m.ctx, actor: marketer }, { programId: program.id, name: "Coffee rush", metric: "visits", target: 3, reward: { kind: "voucher", rewardId: pastry.id }, ...window() });
    const [ann, bob, cid] = [await makeCard(m, program.id), await makeCard(m, program.id), await makeCard(m, program.id)];

    await earn(m.ctx, { cardId: ann.id, points: 10 });
    await earn(m.ctx, { cardId: ann.id, points: 10 });
    expect((await getGoal(m.ctx, goal.id)).progress).toBe(2);
    // The card page and the pass say how far the goal is and that Ann takes part; Cid is invited.
    const annView = (await loadCardView(m.db, { cardId: ann.id }))!;
    expect(annView.goals).toEqual([expect.objectContaining({ id: goal.id, progress: 2, target: 3, participating: true, reward: { kind: "voucher", title: pastry.name } })]);
    expect((await loadCardView(m.db, { cardId: cid.id }))!.goals[0]!.participating).toBe(false);
    const config = testAppleConfig();
    const res = await latestPass(m.db, config, { passTypeId: config.passTypeId, serial: ann.id, authorization: `ApplePass ${ann.walletAuthToken}`, ifModifiedSince: null });
    if (res.notModified) throw new Error("expected a pass");
    const pass = JSON.parse(readStoredZip(res.body)["pass.json"]!.toString()) as { storeCard: { backFields: { key: string; label: string; value: string }[] } };
    const back = pass.storeCard.backFields.find((f) => f.key === "goal");
    expect(back?.value).toContain("Coffee rush\n2 of 3 visits\nEveryone who takes part gets");

    // Not reached yet: settling does nothing.
    expect(await settleGoal(m.db, goal.id)).toMatchObject({ status: "active", rewarded: 0 });
    await earn(m.ctx, { cardId: bob.id, points: 10 });

    // Two runs at once, then a retry of the same step, then the job itself.
    const runs = await Promise.all([settleGoal(m.db, goal.id), settleGoal(m.db, goal.id)]);
    expect(runs.map((r) => r.status)).toEqual(["reached", "reached"]);
    expect(runs[0]!.rewarded + runs[1]!.rewarded).toBe(2);
    expect(await settleGoal(m.db, goal.id)).toMatchObject({ status: "reached", rewarded: 0 });
    const { error } = await new InngestTestEngine({ function: goalsSettle }).execute();
    expect(error).toBeUndefined();

    expect((await vouchersOf(m, ann.id)).map((v) => v.title)).toEqual([pastry.name]);
    expect((await vouchersOf(m, bob.id)).map((v) => v.title)).toEqual([pastry.name]);
    expect(await vouchersOf(m, cid.id)).toEqual([]);
    const summary = await getGoal(m.ctx, goal.id);
    expect(summary).toMatchObject({ status: "reached", progress: 3, participants: 2, rewarded: 2 });
    expect(summary.settledAt).not.toBeNull();
    // A reached goal counts no more earns, and its page says thanks.
    await earn(m.ctx, { cardId: cid.id, points: 10 });
    expect((await getGoal(m.ctx, goal.id)).participants).toBe(2);
    expect((await loadCardView(m.db, { cardId: ann.id }))!.goals[0]).toMatchObject({ status: "reached", participating: true });
    await expect(updateGoal(m.ctx, { goalId: goal.id, target: 10 })).rejects.toMatchObject({ code: "conflict" });
  });

  it("a points reward is credited once to each participant, however many runs race", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const goal = await createGoal(m.ctx, { programId: program.id, name: "Big week", metric: "earned", target: 100, reward: { kind: "points", points: 25 }, ...window() });
    const members = await Promise.all([1, 2, 3].map(() => makeCard(m, program.id)));
    for (const c of members) await earn(m.ctx, { cardId: c.id, points: 40 });
    expect((await getGoal(m.ctx, goal.id)).progress).toBe(120);

    await Promise.all([settleGoal(m.db, goal.id), settleGoal(m.db, goal.id), settleGoal(m.db, goal.id)]);
    await settleGoal(m.db, goal.id);
    const grants = await m.db.select().from(bonusGrants).where(eq(bonusGrants.key, `goal:${goal.id}`));
    expect(grants.map((g) => g.cardId).sort()).toEqual(members.map((c) => c.id).sort());
    for (const c of members) {
      const [row] = await m.db.select({ balance: cards.balance }).from(cards).where(eq(cards.id, c.id));
      expect(row!.balance).toBe(65);
      const bonuses = await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.cardId, c.id), eq(ledgerEntries.kind, "bonus")));
      expect(bonuses.map((b) => b.amount)).toEqual([25]);
    }
    const rows = await m.db.select().from(goalParticipants).where(eq(goalParticipants.goalId, goal.id));
    expect(rows.every((r) => r.rewardedAt && r.rewardRef)).toBe(true);
    await expectLedgerConsistent(m.db, { merchantId: m.merchantId });
  });

  it("a location's goal counts only earns at that location; spend counts purchase amounts", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const north = await createLocation(m.ctx, { name: "North", latitude: null, longitude: null });
    const south = await createLocation(m.ctx, { name: "South", latitude: null, longitude: null });
    const goal = await createGoal(m.ctx, { programId: program.id, locationId: north.id, name: "North spend", metric: "spend", target: 5000, reward: { kind: "points", points: 10 }, ...window() });
    const here = await makeCard(m, program.id);
    const there = await makeCard(m, program.id);
    const nowhere = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: here.id, purchase: { amount: 2500, currency: "USD" }, locationId: north.id });
    await earn(m.ctx, { cardId: there.id, purchase: { amount: 9900, currency: "USD" }, locationId: south.id });
    await earn(m.ctx, { cardId: nowhere.id, purchase: { amount: 9900, currency: "USD" } });
    // A points-only earn at the location has no purchase amount: it does not count toward spend.
    await earn(m.ctx, { cardId: there.id, points: 5, locationId: north.id });
    expect(await getGoal(m.ctx, goal.id)).toMatchObject({ progress: 2500, participants: 1 });

    await earn(m.ctx, { cardId: here.id, purchase: { amount: 2500, currency: "USD" }, locationId: north.id });
    expect(await settleGoal(m.db, goal.id)).toMatchObject({ status: "reached", rewarded: 1 });
    expect((await m.db.select().from(bonusGrants).where(eq(bonusGrants.key, `goal:${goal.id}`))).map((g) => g.cardId)).toEqual([here.id]);
  });

  it("a goal scheduled for later counts only the earns made once it has started, on the locked earn too; another program's goal counts none", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const t0 = Date.now();
    const goal = await createGoal(m.ctx, { programId: program.id, name: "Next week", metric: "earned", target: 1000, reward: { kind: "points", points: 5 }, startsAt: new Date(t0 + HOUR).toISOString(), endsAt: new Date(t0 + 48 * HOUR).toISOString() });
    const elsewhere = await makeProgram(m);
    const card = await makeCard(m, program.id);
    const stranger = await makeCard(m, elsewhere.id);
    await earn(m.ctx, { cardId: card.id, points: 7 });
    expect(await getGoal(m.ctx, goal.id)).toMatchObject({ progress: 0, participants: 0 });

    const later = { ...m.ctx, now: () => new Date(t0 + 2 * HOUR) };
    await earn(later, { cardId: card.id, points: 11 });
    await earn(later, { cardId: stranger.id, points: 50 });
    // Inside a caller's transaction the earn takes the card's lock (earnLocked): it counts the same.
    await withTransaction(later, (tx) => earn(tx, { cardId: card.id, points: 13 }));
    expect(await getGoal(m.ctx, goal.id)).toMatchObject({ progress: 24, participants: 1 });
  });

  it("a goal that ends short of its target is missed and rewards nobody; a cancelled one stops counting; bad input is refused", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const reward = await makeReward(m, program.id, 100);
    const goal = await createGoal(m.ctx, { programId: program.id, name: "Too far", metric: "visits", target: 50, reward: { kind: "voucher", rewardId: reward.id }, ...window() });
    const card = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, points: 1 });
    expect(await settleGoal(m.db, goal.id, new Date(Date.now() + 48 * HOUR))).toMatchObject({ status: "missed", rewarded: 0 });
    expect(await vouchersOf(m, card.id)).toEqual([]);

    const stopped = await createGoal(m.ctx, { programId: program.id, name: "Stopped", metric: "visits", target: 5, reward: { kind: "points", points: 5 }, ...window() });
    await cancelGoal(m.ctx, { goalId: stopped.id });
    await earn(m.ctx, { cardId: card.id, points: 1 });
    expect((await getGoal(m.ctx, stopped.id)).participants).toBe(0);

    const other = await makeMerchant();
    const foreign = await makeReward(other, (await makeProgram(other)).id, 10);
    await expect(createGoal(m.ctx, { programId: program.id, name: "X", metric: "visits", target: 5, reward: { kind: "voucher", rewardId: foreign.id }, ...window() })).rejects.toMatchObject({ code: "invalid" });
    await expect(createGoal(m.ctx, { programId: program.id, name: "X", metric: "visits", target: 0, reward: { kind: "points", points: 5 }, ...window() })).rejects.toThrow();
    await expect(createGoal(m.ctx, { programId: program.id, name: "X", metric: "visits", target: 5, reward: { kind: "points", points: 5 }, startsAt: window().endsAt, endsAt: window().startsAt })).rejects.toMatchObject({ code: "invalid" });
    const staff = await makeUser(m, "staff");
    await expect(createGoal({ ...m.ctx, actor: staff }, { programId: program.id, name: "X", metric: "visits", target: 5, reward: { kind: "points", points: 5 }, ...window() })).rejects.toMatchObject({ code: "forbidden" });
    expect((await listGoals(m.ctx)).map((g) => g.name)).toEqual(["Stopped", "Too far"]);
    expect(await listGoals(other.ctx)).toEqual([]);
  });
});
