import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { locations, memberships, merchants, users, vouchers, type Location, type Program, type Reward, type Role } from "../../db/schema";
import { createApiKey } from "../api-keys/verbs";
import { enroll } from "../cards/enroll";
import { systemActor, type Actor, type Ctx } from "../context";
import { newId } from "../ids";
import { earn } from "../ledger/earn";
import { adjust } from "../ledger/adjust";
import { reverse } from "../ledger/reverse";
import { sweepFlags } from "../fraud/flags";
import { expireCard } from "../expiry/expire";
import { createMerchant } from "../merchants/verbs";
import { createProgram, updateProgram } from "../programs/verbs";
import { redeemReward } from "../rewards/redeem";
import { createReward } from "../rewards/verbs";
import { redeemVoucher } from "../vouchers/redeem";

export const DEMO_OWNER_EMAIL = "owner@beanthere.test";
const DEMO_MERCHANT_NAME = "Bean There Coffee";

const FIRST = ["Ava", "Noah", "Mia", "Liam", "Zoe", "Ethan", "Lena", "Omar", "Iris", "Jonas", "Maya", "Theo", "Nora", "Felix", "Sara", "Leo", "Aiko", "Ravi", "Elif", "Hugo"];
const LAST = ["Nguyen", "Schmidt", "Garcia", "Okafor", "Rossi", "Kowalski", "Silva", "Tanaka", "Haddad", "Berg"];

/** A small deterministic random generator, so every seed tells the same story. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function findDemoMerchant(db: Db) {
  const [m] = await db.select().from(merchants).where(eq(merchants.name, DEMO_MERCHANT_NAME)).limit(1);
  return m ?? null;
}

/**
 * The demo coffee shop: two locations, a points program with tiers, a stamp program, rewards, and
 * `customers` customers with five months of history (joining across the months, so the Insights
 * page has cohorts, lapsed regulars and points about to expire), some rung up by a barista — written through the same verbs as real traffic, so
 * every balance is backed by its ledger. Returns a fresh API key.
 */
export async function seedDemo(db: Db, opts: { customers?: number; log?: (line: string) => void } = {}) {
  const log = opts.log ?? (() => {});
  const total = opts.customers ?? 200;
  const random = rng(42);
  const DAY = 86_400_000;
  const start = Date.now() - 150 * DAY;

  const { merchant } = await createMerchant(
    db,
    { name: DEMO_MERCHANT_NAME, ownerEmail: DEMO_OWNER_EMAIL, ownerName: "Dana Brewer", currency: "USD", timezone: "America/New_York", brandColor: "#3b2f2f" },
    systemActor("seed"),
  );
  const ctx: Ctx = { db, merchantId: merchant.id, actor: systemActor("seed"), source: "seed" };
  const [downtown, harbor] = await db
    .insert(locations)
    .values([
      { id: `loc_${merchant.id.slice(4, 14)}dt`, merchantId: merchant.id, name: "Downtown", address: "12 Main St", latitude: 40.7128, longitude: -74.006 },
      { id: `loc_${merchant.id.slice(4, 14)}hb`, merchantId: merchant.id, name: "Harbor", address: "3 Pier Rd", latitude: 40.7033, longitude: -74.017 },
    ])
    .returning();

  const points = await createProgram(ctx, {
    kind: "points",
    name: "Bean Points",
    rules: {
      basis: "amount",
      rate: 10,
      minSpend: 200,
      multipliers: [
        { kind: "schedule", label: "Early bird", weekdays: [1, 2, 3, 4, 5], from: "06:00", to: "09:00", factor: 2 },
        { kind: "location", label: "Harbor opening", locationIds: [harbor!.id], factor: 1.5 },
      ],
      capPerTransaction: 1000,
      capPerDay: 2000,
      rounding: "floor",
    },
    tiers: {
      windowDays: 365,
      levels: [
        { name: "Bronze", threshold: 0, multiplier: 1 },
        { name: "Silver", threshold: 500, multiplier: 1.25 },
        { name: "Gold", threshold: 1500, multiplier: 1.5 },
      ],
    },
    expiry: { kind: "rolling", days: 120 },
    design: { backgroundColor: "#3b2f2f", foregroundColor: "#fff8ee", labelColor: "#e8c9a0", logoText: "Bean There" },
  });
  const baristaId = `usr_${merchant.id.slice(4, 14)}barista`;
  await db.insert(users).values({ id: baristaId, email: `barista-${merchant.id.slice(4, 14)}@beanthere.test`, name: "Sam Barista" });
  await db.insert(memberships).values({ id: newId("mem"), merchantId: merchant.id, userId: baristaId, role: "staff" });
  const barista: Actor = { type: "user", id: baristaId, role: "staff" };
  const stamps = await createProgram(ctx, {
    kind: "stamps",
    name: "Coffee Card",
    stampsRequired: 8,
    expiry: { kind: "inactivity", days: 180 },
    design: { backgroundColor: "#0f5132", foregroundColor: "#ffffff", labelColor: "#c7f0d8", logoText: "Bean There" },
  });
  const catalog = [
    await createReward(ctx, { programId: points.id, name: "Free drip coffee", cost: 150, value: 90 }),
    await createReward(ctx, { programId: points.id, name: "Pastry of your choice", cost: 250, value: 140 }),
    await createReward(ctx, { programId: points.id, name: "Bag of house beans", cost: 900, inventory: 25, value: 650 }),
    await createReward(ctx, { programId: points.id, name: "Barista class for two", cost: 2500, inventory: 4, value: 1800 }),
  ];
  const freeCoffee = await createReward(ctx, { programId: stamps.id, name: "Free coffee (any size)", cost: 8, value: 90 });
  await updateProgram(ctx, { programId: stamps.id, stampRewardId: freeCoffee.id });

  for (let i = 0; i < total; i++) {
    // One transaction per customer: the history lands whole, and the embedded database flushes once.
    await db.transaction((tx) => seedCustomer({ ...ctx, db: tx, inTransaction: true }, i));
    if ((i + 1) % 50 === 0) log(`  ${i + 1}/${total} customers`);
  }

  async function seedCustomer(ctx: Ctx, i: number) {
    const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
    const email = `${name.toLowerCase().replace(/\s+/g, ".")}${i >= FIRST.length * LAST.length ? i : ""}@example.com`;
    const joined = start + Math.floor(random() * 140) * DAY;
    const at = (t: number) => ({ ...ctx, now: () => new Date(t) });
    const onStamps = random() < 0.35;
    const program = onStamps ? stamps : points;
    const birthMonth = String(1 + Math.floor(random() * 12)).padStart(2, "0");
    const { card } = await enroll(at(joined), {
      programId: program.id,
      customer: { email, name, birthday: `19${70 + Math.floor(random() * 30)}-${birthMonth}-1${Math.floor(random() * 9)}` },
      marketingConsent: random() < 0.7,
    });

    // Regulars visit every few days; others now and then; some have drifted away.
    let expiryCheckedAt = joined;
    const gap = random() < 0.3 ? 2 + random() * 3 : 6 + random() * 14;
    const stopsAt = random() < 0.15 ? joined + (Date.now() - joined) * 0.4 : Date.now() - DAY / 4;
    for (let t = joined + DAY * random(); t < stopsAt; t += gap * DAY * (0.6 + random() * 0.8)) {
      const hour = 7 + Math.floor(random() * 11);
      const when = new Date(t);
      when.setUTCHours(hour + 5, Math.floor(random() * 60));
      if (when.getTime() > Date.now()) break;
      const locationId = random() < 0.7 ? downtown!.id : harbor!.id;
      // The barista rings up most visits downtown; the rest come from the till's API key.
      const till = locationId === downtown!.id && random() < 0.6 ? { ...at(when.getTime()), actor: barista, source: "scanner" } : at(when.getTime());
      if (when.getTime() - expiryCheckedAt > 30 * DAY) {
        await expireCard(at(when.getTime()), card.id);
        expiryCheckedAt = when.getTime();
      }
      if (onStamps) {
        const r = await earn(till, { cardId: card.id, stamps: 1, locationId });
        for (const v of r.vouchers) if (random() < 0.7) await redeemVoucher(at(when.getTime() + 10 * 60_000), { code: v.code, locationId });
      } else {
        const amount = 300 + Math.floor(random() * 1800);
        const r = await earn(till, { cardId: card.id, purchase: { amount, currency: "USD" }, locationId, reference: `POS-${Math.floor(random() * 1e6)}` });
        const affordable = catalog.filter((c) => c.cost <= r.card.balance && (c.inventory === null || c.inventory > 0));
        if (affordable.length && random() < 0.25) {
          const reward = affordable[Math.floor(random() * affordable.length)]!;
          const { voucher } = await redeemReward(at(when.getTime() + 60_000), { cardId: card.id, rewardId: reward.id });
          if (reward.inventory !== null) reward.inventory--;
          if (random() < 0.8) await redeemVoucher(at(when.getTime() + 5 * 60_000), { code: voucher.code, locationId });
        }
      }
    }
    await expireCard(ctx, card.id);
  }

  await seedSuspiciousActivity(ctx, { points, downtown: downtown!, harbor: harbor!, pastry: catalog[1]! });
  log(`  ${(await sweepFlags(db, merchant.id)).length} fraud flags raised`);

  const { key } = await createApiKey(ctx, { name: "Demo key" });
  log(`  ${await db.$count(vouchers, eq(vouchers.merchantId, merchant.id))} vouchers issued`);
  return { merchant, apiKey: key, programs: { points, stamps } };
}

/**
 * What the Flags page should have something to say about, inside one recent clock hour so the sweep
 * that follows finds it: a card earning again and again at the till, a purchase far above the
 * shop's usual, a burst of sign-ups from one address with numbered emails, points spent the
 * minute they were given, and a shift lead whose corrections dwarf the team's.
 */
async function seedSuspiciousActivity(ctx: Ctx, d: { points: Program; downtown: Location; harbor: Location; pastry: Reward }) {
  const HOUR = 3_600_000;
  const MIN = 60_000;
  // Two minutes into the clock hour that began at least 20 minutes ago: every burst below (13
  // minutes at most) fits in that hour, is over at least 5 minutes before now, and lies inside the
  // two hours the sweep looks at.
  const anchor = Math.floor((Date.now() - 20 * MIN) / HOUR) * HOUR + 2 * MIN;
  const at = (c: Ctx, t: number) => ({ ...c, now: () => new Date(t) });
  const team = async (email: string, name: string, role: Role) => {
    const id = crypto.randomUUID();
    await ctx.db.insert(users).values({ id, email, name });
    await ctx.db.insert(memberships).values({ id: newId("mem"), merchantId: ctx.merchantId, userId: id, role });
    return { ...ctx, actor: { type: "user" as const, id, role }, source: "scanner" };
  };
  const casey = await team("casey@beanthere.test", "Casey Quinn", "staff");
  const jordan = await team("jordan@beanthere.test", "Jordan Lee", "staff");
  const riley = await team("riley@beanthere.test", "Riley Park", "staff");
  const sam = await team("sam@beanthere.test", "Sam Ortiz", "admin");
  const member = async (email: string, name: string, when: number, joinIp: string | null = null) =>
    (await enroll(at(ctx, when), { programId: d.points.id, customer: { email, name } }, { joinIp })).card;

  // The team's ordinary shifts, hours earlier: a few earns each, one correction.
  const regulars = [await member("pat.doe@example.com", "Pat Doe", anchor - 10 * HOUR), await member("kim.fox@example.com", "Kim Fox", anchor - 10 * HOUR)];
  for (const [i, who] of [casey, jordan, riley, sam].entries()) {
    for (const card of regulars) await earn(at(who, anchor - 5 * HOUR + i * 10 * MIN), { cardId: card.id, purchase: { amount: 650, currency: "USD" }, locationId: d.downtown.id });
  }
  await adjust(at(sam, anchor - 4 * HOUR), { cardId: regulars[0]!.id, amount: 20, reason: "missed scan yesterday" });

  // Eight earns on one card in eight minutes at the till.
  const ray = await member("ray.rapid@example.com", "Ray Rapid", anchor - 10 * MIN);
  for (let i = 0; i < 8; i++) await earn(at(casey, anchor + i * MIN), { cardId: ray.id, purchase: { amount: 450, currency: "USD" }, locationId: d.downtown.id });

  // A $480 purchase where coffee and a pastry usually cost a few dollars.
  await earn(at(jordan, anchor + MIN), { cardId: regulars[1]!.id, purchase: { amount: 48_000, currency: "USD" }, locationId: d.harbor.id });

  // Six cards from one address in two minutes, emails numbered with plus-addressing.
  for (let i = 1; i <= 6; i++) await member(`promo.hunter+${i}@example.com`, `Promo ${i}`, anchor + i * 20_000, "203.0.113.50");

  // Points given and spent within a minute on a card that had none.
  const quick = await member("quick.spend@example.com", "Quinn Spend", anchor - 10 * MIN);
  await earn(at(riley, anchor + 2 * MIN), { cardId: quick.id, purchase: { amount: 2_600, currency: "USD" }, locationId: d.harbor.id });
  await redeemReward(at(riley, anchor + 3 * MIN), { cardId: quick.id, rewardId: d.pastry.id });

  // The shift lead's corrections: adjustments and quick reversals far above the rest of the team.
  for (let i = 0; i < 4; i++) await adjust(at(sam, anchor + (4 + i) * MIN), { cardId: regulars[i % 2]!.id, amount: 50 + i * 25, reason: "customer complaint" });
  for (let i = 0; i < 3; i++) {
    const given = await earn(at(sam, anchor + (8 + i * 2) * MIN), { cardId: regulars[1]!.id, points: 100 });
    await reverse(at(sam, anchor + (9 + i * 2) * MIN), { entryId: given.entry.id, reason: "entered twice" });
  }
}
