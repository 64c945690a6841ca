import { saveConnector } from "@/lib/integrations/connectors";
import "./dashboard-helpers";
import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { campaigns, cards as cardsTable, fraudFlags, invitations, ledgerEntries, merchants, memberships, sessions, users, type Role } from "@/db/schema";
import { campaignCost } from "@/lib/campaigns/cost";
import { activateCampaign, describeOffer } from "@/lib/campaigns/run";
import { createCampaign, scheduleCampaign } from "@/lib/campaigns/verbs";
import { enroll } from "@/lib/cards/enroll";
import { cardQrToken } from "@/lib/cards/token";
import { beat } from "@/lib/events/heartbeat";
import { jobSystemStatus } from "@/lib/events/status";
import { feedAudience, recentActivity } from "@/lib/insights/feed";
import { ACTIONS } from "@/app/_server/action";
import { can, type Permission } from "@/lib/auth/permissions";
import { PAGE_PERMISSIONS, pageAccess, type PageRoute } from "@/lib/auth/routes";
import { createApiKey } from "@/lib/api-keys/verbs";
import { newId } from "@/lib/ids";
import { earn } from "@/lib/ledger/earn";
import { createLocation } from "@/lib/locations/verbs";
import { createGoal } from "@/lib/goals/verbs";
import { redeemReward } from "@/lib/rewards/redeem";
import { createSegment } from "@/lib/segments/verbs";
import { makeCard, makeMerchant, makeProgram, makeReward, makeUser, type TestMerchant } from "../support/fixtures";
import { campaignInput, makeJobsWorld } from "../support/jobs-world";
import { actAs } from "./dashboard-helpers";

const ROLES: Role[] = ["owner", "admin", "marketer", "staff", "partner"];

/** Every actions.ts under app/, loaded the way Next would: each export must come from the wrapper. */
const modules = import.meta.glob<Record<string, unknown>>("/app/**/actions.ts");
// The customer card page acts for a card's holder (authorised by the card's secret link, not a
// session), so its actions are outside this member wrapper.
const memberFacing = (file: string) => !file.startsWith("/app/(public)/");

type World = Awaited<ReturnType<typeof makeWorld>>;

/** A business with one of everything, plus a second business whose owner tries to reach into it. */
async function makeWorld() {
  const m: TestMerchant = await makeMerchant();
  const program = await makeProgram(m);
  const reward = await makeReward(m, program.id, 10, 5);
  const card = await makeCard(m, program.id);
  // Earned a day before the redemption: an earn just before it would be a fraud rule's pattern
  // (redeem_after_earn), and the fraud sweep of another test file, which runs over every business
  // in the database, would then hold the card before the staff actions reach it.
  await earn({ ...m.ctx, now: () => new Date(Date.now() - 86_400_000) }, { cardId: card.id, points: 100 });
  const { voucher } = await redeemReward(m.ctx, { cardId: card.id, rewardId: reward.id });
  const loc1 = await createLocation(m.ctx, { name: "One", latitude: null, longitude: null });
  const loc2 = await createLocation(m.ctx, { name: "Two", latitude: null, longitude: null });
  const { apiKey } = await createApiKey(m.ctx, { name: "till" });
  const target = await makeUser(m, "staff");
  const invitationId = newId("inv");
  await m.db.insert(invitations).values({ id: invitationId, merchantId: m.merchantId, email: "pending@example.test", role: "staff", tokenHash: newId("inv"), expiresAt: new Date(Date.now() + 86_400_000) });
  const members = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await makeUser(m, r)] as const))) as unknown as Record<Role, { id: string }>;
  const other = await makeMerchant();
  const outsider = await makeUser(other, "owner");
  const jobs = await makeJobsWorld(m, program);
  const draft = await createCampaign(m.ctx, { ...campaignInput(program.id, "Draft with news"), schedule: false });
  const startable = await createCampaign(m.ctx, { ...campaignInput(program.id, "Start me"), schedule: false });
  const segments = [await createSegment(m.ctx, { name: "Kept", definition: { match: "all", conditions: [] } }), await createSegment(m.ctx, { name: "Dropped", definition: { match: "all", conditions: [] } })];
  // A connector with its secret, for the test-event action.
  await saveConnector(m.ctx, { provider: "shopify", programId: program.id, secret: "shpss_world" });
  const goal = await createGoal(m.ctx, { programId: program.id, name: "Team effort", metric: "visits", target: 100, reward: { kind: "points", points: 5 }, ...goalWindow() });
  // A flag about a card of its own, so holding it leaves the other samples' card alone.
  const flagged = await makeCard(m, program.id);
  const flagId = newId("flg");
  await m.db.insert(fraudFlags).values({ id: flagId, merchantId: m.merchantId, rule: "card_velocity", subjectType: "card", subjectId: flagged.id, window: "2026-01-01T10", cardId: flagged.id, summary: "6 earns", evidence: { earns: 6 } });
  return { m, program, reward, card, voucher, loc1, loc2, apiKey, target, invitationId, members, other, outsider, jobs, draft, startable, segments, goal, flagId };
}

/** A valid input for each action against the first business. `reachesIn`: it names that business's objects. */
const SAMPLES: Record<string, { input: (w: World) => unknown; reachesIn: boolean }> = {
  "programs.create": { input: () => ({ kind: "points", name: "Second" }), reachesIn: false },
  "programs.update": { input: (w) => ({ programId: w.program.id, patch: { name: "Renamed" } }), reachesIn: true },
  "programs.setStatus": { input: (w) => ({ programId: w.program.id, status: "paused" }), reachesIn: true },
  "rewards.create": { input: (w) => ({ programId: w.program.id, name: "Muffin", cost: 30 }), reachesIn: true },
  "rewards.update": { input: (w) => ({ rewardId: w.reward.id, patch: { cost: 12 } }), reachesIn: true },
  "members.adjust": { input: (w) => ({ cardId: w.card.id, adjustment: { amount: 5, reason: "missed scan" } }), reachesIn: true },
  "members.export": { input: (w) => ({ customerId: w.card.customerId }), reachesIn: true },
  "members.erase": { input: (w) => ({ customerId: w.card.customerId }), reachesIn: true },
  "locations.create": { input: () => ({ name: "Three", latitude: "52.5", longitude: "13.4" }), reachesIn: false },
  "locations.update": { input: (w) => ({ locationId: w.loc1.id, location: { name: "Uno", latitude: null, longitude: null } }), reachesIn: true },
  "locations.delete": { input: (w) => ({ locationId: w.loc2.id }), reachesIn: true },
  "team.invite": { input: () => ({ email: `new-${Math.random().toString(36).slice(2)}@example.test`, role: "staff" }), reachesIn: false },
  "team.changeRole": { input: (w) => ({ userId: w.target.id, role: "marketer" }), reachesIn: true },
  "team.remove": { input: (w) => ({ userId: w.target.id }), reachesIn: true },
  "team.revokeInvitation": { input: (w) => ({ invitationId: w.invitationId }), reachesIn: true },
  "apiKeys.create": { input: () => ({ name: "another" }), reachesIn: false },
  "apiKeys.revoke": { input: (w) => ({ apiKeyId: w.apiKey.id }), reachesIn: true },
  "settings.update": { input: () => ({ name: "Renamed Shop", brandColor: "#112233", currency: "EUR", timezone: "Europe/Berlin" }), reachesIn: false },
  "staff.lookup": { input: (w) => ({ code: w.voucher.code }), reachesIn: true },
  "staff.earn": { input: (w) => ({ cardId: w.card.id, idempotencyKey: crypto.randomUUID(), purchaseAmount: 1250 }), reachesIn: true },
  "staff.redeemVoucher": { input: (w) => ({ idempotencyKey: crypto.randomUUID(), code: w.voucher.code }), reachesIn: true },
  "campaigns.create": { input: (w) => campaignInput(w.program.id), reachesIn: true },
  "campaigns.cancel": { input: (w) => ({ campaignId: w.jobs.campaign.id }), reachesIn: true },
  "automations.update": { input: (w) => ({ programId: w.program.id, patch: { welcome: { enabled: true, bonus: 5 } } }), reachesIn: true },
  "campaigns.update": { input: (w) => ({ campaignId: w.draft.id, name: "Renamed draft" }), reachesIn: true },
  "campaigns.duplicate": { input: (w) => ({ campaignId: w.draft.id }), reachesIn: true },
  "campaigns.sendTest": { input: (w) => ({ campaignId: w.draft.id }), reachesIn: true },
  "campaigns.start": { input: (w) => ({ campaignId: w.startable.id }), reachesIn: true },
  "segments.create": { input: () => ({ name: "Regulars", definition: { match: "all", conditions: [{ field: "visits", days: 30, min: 2 }] } }), reachesIn: false },
  "segments.update": { input: (w) => ({ segmentId: w.segments[0]!.id, name: "Renamed" }), reachesIn: true },
  "segments.delete": { input: (w) => ({ segmentId: w.segments[1]!.id }), reachesIn: true },
  "segments.preview": { input: (w) => ({ definition: { match: "all", conditions: [] }, programId: w.program.id }), reachesIn: true },
  "segments.importTags": { input: (w) => ({ csv: `email,tags\n${w.card.referralCode},vip` }), reachesIn: true },
  "insights.winback": { input: (w) => ({ programId: w.program.id, group: "at_risk" }), reachesIn: true },
  "payouts.configure": { input: (w) => ({ programId: w.jobs.cashback.id, provider: "manual", thresholdMinor: 700 }), reachesIn: true },
  "payouts.payNow": { input: (w) => ({ programId: w.jobs.cashback.id }), reachesIn: true },
  "payouts.rotateSecret": { input: (w) => ({ programId: w.jobs.cashback.id }), reachesIn: true },
  "payouts.markPaid": { input: (w) => ({ runId: w.jobs.runId }), reachesIn: true },
  "webhooks.create": { input: () => ({ url: "https://example.test/other", events: ["voucher.redeemed"] }), reachesIn: false },
  "webhooks.setActive": { input: (w) => ({ endpointId: w.jobs.endpoint.id, active: false }), reachesIn: true },
  "webhooks.replay": { input: (w) => ({ deliveryId: w.jobs.deliveryId }), reachesIn: true },
  "webhooks.rotateSecret": { input: (w) => ({ endpointId: w.jobs.endpoint.id }), reachesIn: true },
  "team.requireTwoFactor": { input: () => ({ required: false }), reachesIn: false },
  "vouchers.issue": { input: (w) => ({ to: "member", cardId: w.card.id, title: "Sorry for the wait" }), reachesIn: true },
  "claimCodes.create": { input: (w) => ({ programId: w.program.id, name: "Lids", value: "10", quantity: 2 }), reachesIn: true },
  "goals.create": { input: (w) => ({ programId: w.program.id, name: "More", metric: "visits", target: 50, reward: { kind: "voucher", rewardId: w.reward.id }, ...goalWindow() }), reachesIn: true },
  "goals.update": { input: (w) => ({ goalId: w.goal.id, target: 120 }), reachesIn: true },
  "goals.cancel": { input: (w) => ({ goalId: w.goal.id }), reachesIn: true },
  "flags.resolve": { input: (w) => ({ flagId: w.flagId, action: "hold" }), reachesIn: true },
  "digest.set": { input: () => ({ enabled: false }), reachesIn: false },
  "connectors.save": { input: (w) => ({ provider: "shopify", programId: w.program.id, secret: "shpss_changed" }), reachesIn: true },
  "connectors.test": { input: () => ({ provider: "shopify" }), reachesIn: false },
  "connectors.refundPolicy": { input: (w) => ({ provider: "shopify", programId: w.program.id, refundsMayGoNegative: true }), reachesIn: true },
};

function goalWindow() {
  return { startsAt: new Date(Date.now() - 3_600_000).toISOString(), endsAt: new Date(Date.now() + 7 * 86_400_000).toISOString() };
}

beforeAll(async () => {
  for (const load of Object.values(modules)) await load();
});

describe("server actions", () => {
  it("every export of every actions.ts is an action made by the wrapper", async () => {
    const registered = new Set([...ACTIONS.values()].map((a) => a.run));
    for (const [file, load] of Object.entries(modules)) {
      if (!memberFacing(file)) continue;
      const mod = await load();
      for (const [name, value] of Object.entries(mod)) {
        expect(typeof value, `${file} exports ${name}`).toBe("function");
        expect(registered.has(value as never), `${file}: ${name} does not go through the action wrapper`).toBe(true);
      }
    }
  });

  it("every member action names a permission from the table and has a sample here", () => {
    const member = [...ACTIONS.values()].filter((a) => a.kind === "member");
    expect(member.length).toBeGreaterThan(15);
    for (const a of member) expect(a.permission, a.name).toBeTruthy();
    const mine = member.filter((a) => !SAMPLES[a.name]);
    // Actions of other sections fall back to the generic check below; ours all have real samples.
    expect(mine.filter((a) => /^(programs|rewards|members|locations|team|apiKeys|settings|staff|campaigns|segments|insights|payouts|webhooks|goals|flags|digest|connectors)\./.test(a.name)).map((a) => a.name)).toEqual([]);
  });

  const memberActions = () => [...ACTIONS.values()].filter((a) => a.kind === "member");
  // These change the world for the others (a paused program earns nothing), so they go last.
  const LAST = ["team.changeRole", "team.remove", "members.erase", "programs.setStatus"];
  const ordered = (list: ReturnType<typeof memberActions>) => [...list].sort((a, b) => LAST.indexOf(a.name) - LAST.indexOf(b.name));

  for (const role of ROLES) {
    it(`as ${role}: allowed exactly where the permission table says`, async () => {
      // One world for our sampled actions, in an order where none spoils the next; a fresh one for any other.
      const shared = await makeWorld();
      for (const action of ordered(memberActions())) {
        const sample = SAMPLES[action.name];
        const w = sample ? shared : await makeWorld();
        await actAs(w.m.db, w.members[role], w.m.merchantId);
        const result = await action.run(sample ? sample.input(w) : {});
        const allowed = can({ type: "user", id: "x", role }, action.permission as Permission);
        if (allowed) {
          if (sample) expect(result, `${role} → ${action.name}`).toMatchObject({ ok: true });
          else expect(result.ok || result.code !== "forbidden", `${role} → ${action.name}`).toBe(true);
        } else {
          expect(result, `${role} → ${action.name}`).toMatchObject({ ok: false, code: "forbidden" });
        }
      }
    });
  }

  it("a member of another business cannot reach into this one", async () => {
    const w = await makeWorld();
    await actAs(w.m.db, w.outsider, w.other.merchantId);
    for (const action of ordered(memberActions())) {
      const sample = SAMPLES[action.name];
      if (!sample) continue;
      const before = await w.m.db.select().from(merchants).where(eq(merchants.id, w.m.merchantId));
      const result = await action.run(sample.input(w));
      if (sample.reachesIn) expect(result.ok, `outsider → ${action.name}: ${JSON.stringify(result)}`).toBe(false);
      const after = await w.m.db.select().from(merchants).where(eq(merchants.id, w.m.merchantId));
      expect(after, action.name).toEqual(before);
    }
  });

  it("a signed-out visitor and a user without a business get no member action", async () => {
    const w = await makeWorld();
    const loner = crypto.randomUUID();
    await w.m.db.insert(users).values({ id: loner, email: `${loner}@example.test` });
    for (const action of memberActions()) {
      const sample = SAMPLES[action.name];
      await actAs(w.m.db, { id: loner }, null);
      expect(await action.run(sample ? sample.input(w) : {}), action.name).toMatchObject({ ok: false, code: "forbidden" });
    }
    const { signOutFake } = await import("./dashboard-helpers");
    signOutFake();
    for (const action of memberActions()) expect(await action.run({}), action.name).toMatchObject({ ok: false, code: "unauthorized" });
  });

  it("a removed member loses access on the very next action", async () => {
    const w = await makeWorld();
    await actAs(w.m.db, w.members.admin, w.m.merchantId);
    const create = ACTIONS.get("locations.create")!;
    expect(await create.run({ name: "Before", latitude: "", longitude: "" })).toMatchObject({ ok: true });
    await w.m.db.delete(memberships).where(eq(memberships.userId, w.members.admin.id));
    expect(await create.run({ name: "After", latitude: "", longitude: "" })).toMatchObject({ ok: false, code: "forbidden" });
  });

  it("bad input gets field messages, never a raw error", async () => {
    const w = await makeWorld();
    await actAs(w.m.db, w.members.owner, w.m.merchantId);
    const r = await ACTIONS.get("locations.create")!.run({ name: "", latitude: "north", longitude: "" });
    expect(r).toMatchObject({ ok: false, code: "invalid" });
    if (!r.ok) {
      expect(r.fieldErrors?.name).toBeTruthy();
      expect(r.fieldErrors?.latitude).toMatch(/number/);
    }
    const bogus = await ACTIONS.get("programs.update")!.run({ programId: "prg_nope", patch: { name: "x" } });
    expect(bogus).toMatchObject({ ok: false, code: "not_found", error: "Program not found" });
  });
});

describe("dashboard pages", () => {
  const pagesRoot = path.join(process.cwd(), "app");
  const pageFiles = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? pageFiles(path.join(dir, e.name)) : e.name === "page.tsx" ? [path.join(dir, e.name)] : []));

  it("every dashboard and scanner page guards itself with its own route", () => {
    const files = [...pageFiles(path.join(pagesRoot, "dashboard")), ...pageFiles(path.join(pagesRoot, "staff"))];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const route = "/" + path.relative(pagesRoot, path.dirname(file)).split(path.sep).join("/");
      expect(Object.keys(PAGE_PERMISSIONS), `${route} is missing from PAGE_PERMISSIONS`).toContain(route);
      expect(fs.readFileSync(file, "utf8"), `${file} must call requirePage("${route}")`).toContain(`requirePage("${route}")`);
    }
  });

  for (const route of Object.keys(PAGE_PERMISSIONS) as PageRoute[]) {
    it(`${route}: each role gets in, or is sent where the table says`, () => {
      expect(pageAccess(false, null, route).kind).toBe("sign-in");
      expect(pageAccess(true, null, route).kind).toBe("onboarding");
      for (const role of ROLES) {
        const actor = { type: "user" as const, id: "x", role };
        const access = pageAccess(true, role, route);
        const opens = can(actor, PAGE_PERMISSIONS[route]) && (route === "/staff" || can(actor, "dashboard:view"));
        expect(access.kind === "ok", `${role} at ${route}`).toBe(opens);
        if (role === "staff" && route.startsWith("/dashboard")) expect(access.kind).toBe("scanner");
      }
    });
  }
});

describe("least privilege (issue 9 findings)", () => {
  const HOUR = 3_600_000;
  const running = () => ({ startsAt: new Date(Date.now() - HOUR).toISOString(), endsAt: new Date(Date.now() + 24 * HOUR).toISOString() });

  it("a marketer cannot mint cashback: bonuses and multipliers on a cashback program need payouts:manage and a budget", async () => {
    const m = await makeMerchant();
    const cashback = await makeProgram(m, { name: "Cash", kind: "cashback", cashbackPercent: 5 });
    const points = await makeProgram(m);
    const marketer = await makeUser(m, "marketer");
    const owner = await makeUser(m, "owner");
    const as = (actor: { id: string; type: "user"; role: Role }) => ({ ...m.ctx, actor });
    const base = { name: "Gift", audience: { kind: "everyone" as const }, ...running(), schedule: false };
    for (const effect of [{ kind: "bonus" as const, points: 1_000_000 }, { kind: "multiplier" as const, factor: 10 }]) {
      await expect(createCampaign(as(marketer), { ...base, programId: cashback.id, effect, budget: 100 })).rejects.toMatchObject({ code: "forbidden" });
      await expect(createCampaign(as(owner), { ...base, programId: cashback.id, effect })).rejects.toMatchObject({ code: "invalid", errors: [{ path: "budget" }] });
      expect(await createCampaign(as(owner), { ...base, programId: cashback.id, effect, budget: 100 })).toMatchObject({ budget: 100, spent: 0 });
    }
    // The dashboard action says the same to a marketer.
    await actAs(m.db, marketer, m.merchantId);
    const refused = await ACTIONS.get("campaigns.create")!.run({ ...base, programId: cashback.id, effect: { kind: "bonus", points: 500 }, budget: 1000 });
    expect(refused).toMatchObject({ ok: false, code: "forbidden" });
    // A draft an owner made cannot be scheduled by a marketer either.
    const draft = await createCampaign(as(owner), { ...base, programId: cashback.id, effect: { kind: "bonus", points: 5 }, budget: 100 });
    await expect(scheduleCampaign(as(marketer), { campaignId: draft.id })).rejects.toMatchObject({ code: "forbidden" });
    // Points campaigns stay a marketer's job.
    expect(await createCampaign(as(marketer), { ...base, programId: points.id, effect: { kind: "bonus", points: 50 } })).toMatchObject({ budget: null });
  });

  it("every campaign shows its projected cost, in currency for cashback", async () => {
    const m = await makeMerchant();
    const cashback = await makeProgram(m, { name: "Cash", kind: "cashback", cashbackPercent: 5 });
    for (let i = 0; i < 3; i++) await makeCard(m, cashback.id);
    const campaign = await createCampaign(m.ctx, { name: "Gift", programId: cashback.id, audience: { kind: "everyone" }, effect: { kind: "bonus", points: 250 }, budget: 600, ...running(), schedule: false });
    const cost = await campaignCost(m.ctx, campaign, cashback, "UTC");
    expect(cost).toMatchObject({ audience: 3, projected: 750, atMost: 600, budget: 600, spent: 0, label: "$7.50" });
    // The offer says cashback in money, not points.
    expect(describeOffer(campaign, "UTC", cashback)).toBe("$2.50 bonus cashback is on your card.");
    // A multiplier: (factor − 1) × what the audience earned over a period as long as the campaign.
    const card = await makeCard(m, cashback.id);
    await earn(m.ctx, { cardId: card.id, purchase: { amount: 10_000, currency: "USD" } }); // 500 cashback
    const triple = await createCampaign(m.ctx, { name: "Triple", programId: cashback.id, audience: { kind: "everyone" }, effect: { kind: "multiplier", factor: 3 }, budget: 5000, ...running(), schedule: false });
    expect(await campaignCost(m.ctx, triple, cashback, "UTC")).toMatchObject({ audience: 4, projected: 1000, label: "$10.00" });
  });

  it("a bonus stops at the budget, even when two runners activate the campaign at once", async () => {
    const m = await makeMerchant();
    const cashback = await makeProgram(m, { name: "Cash", kind: "cashback", cashbackPercent: 5 });
    for (let i = 0; i < 6; i++) await makeCard(m, cashback.id);
    const campaign = await createCampaign(m.ctx, { name: "Gift", programId: cashback.id, audience: { kind: "everyone" }, effect: { kind: "bonus", points: 100 }, budget: 250, ...running() });
    await Promise.all([activateCampaign(m.db, campaign.id, campaign.scheduleVersion), activateCampaign(m.db, campaign.id, campaign.scheduleVersion)]);
    const bonuses = await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.merchantId, m.merchantId), eq(ledgerEntries.kind, "bonus")));
    expect(bonuses.reduce((s, e) => s + e.amount, 0)).toBe(200);
    const [after] = await m.db.select().from(campaigns).where(eq(campaigns.id, campaign.id));
    expect(after!.spent).toBe(200);
    // A later rerun finds nothing left to give.
    expect(await activateCampaign(m.db, campaign.id, campaign.scheduleVersion)).toMatchObject({ ok: true, bonusCards: 0 });
  });

  it("a multiplier's extra stops at the budget, even under concurrent earns", async () => {
    const m = await makeMerchant();
    const cashback = await makeProgram(m, { name: "Cash", kind: "cashback", cashbackPercent: 5 });
    const cards = [];
    for (let i = 0; i < 4; i++) cards.push(await makeCard(m, cashback.id));
    const campaign = await createCampaign(m.ctx, { name: "Double", programId: cashback.id, audience: { kind: "everyone" }, effect: { kind: "multiplier", factor: 2 }, budget: 120, ...running() });
    await activateCampaign(m.db, campaign.id, campaign.scheduleVersion);
    // Each purchase earns 50 at the base rate; the campaign adds 50 while its budget lasts (two of them).
    const outcomes = await Promise.all(cards.map((c) => earn(m.ctx, { cardId: c.id, purchase: { amount: 1000, currency: "USD" } })));
    const amounts = outcomes.map((o) => o.entry.amount).sort((x, y) => x - y);
    expect(amounts).toEqual([50, 50, 100, 100]);
    const [after] = await m.db.select().from(campaigns).where(eq(campaigns.id, campaign.id));
    expect(after!.spent).toBe(100);
  });

  it("the live feed names customers only for roles with customers:read; a partner sees member codes", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const { card } = await enroll(m.ctx, { programId: program.id, customer: { email: `ada-${m.merchantId.toLowerCase()}@example.test`, name: "Ada Lovelace" } });
    await earn(m.ctx, { cardId: card.id, points: 10 });
    for (const role of ROLES) {
      const feed = await recentActivity(m.db, m.merchantId, feedAudience({ type: "user", id: "x", role }));
      const shown = feed.map((f) => f.who).join(" ");
      if (can({ type: "user", id: "x", role }, "customers:read")) expect(shown, role).toContain("Ada Lovelace");
      else {
        expect(shown, role).not.toContain("Ada");
        expect(shown, role).toContain(card.referralCode);
      }
    }
  });

  it("job heartbeats are per business: the Jobs page shows this business's failures only", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    await beat(a.db, "payout-run", { ok: false, error: "3 payouts failed at Alpha", details: { runId: "prun_a" } }, a.merchantId);
    await beat(a.db, "expiry-reminders", { ok: false, error: "2 emails failed", details: { failed: 2 } });
    const mine = await jobSystemStatus(a.db, a.merchantId);
    expect(mine.jobs.find((j) => j.name === "payout-run")).toMatchObject({ lastError: "3 payouts failed at Alpha" });
    const theirs = await jobSystemStatus(b.db, b.merchantId);
    expect(JSON.stringify(theirs.jobs)).not.toContain("Alpha");
    expect(theirs.jobs.find((j) => j.name === "payout-run")).toBeUndefined();
    // A shared job's row says it failed, without another business's counts.
    const shared = theirs.jobs.find((j) => j.name === "expiry-reminders")!;
    expect(shared.details).toBeNull();
    expect(shared.lastError).not.toContain("2 emails");
  });

  it("removing a member ends their sessions only when no other business is left for them", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const ownerA = await makeUser(a, "owner");
    const both = await makeUser(a, "staff");
    await a.db.insert(memberships).values({ id: newId("mem"), merchantId: b.merchantId, userId: both.id, role: "admin" });
    await a.db.insert(sessions).values({ sessionToken: `s-${both.id}`, userId: both.id, expires: new Date(Date.now() + 86_400_000) });
    await actAs(a.db, ownerA, a.merchantId);
    expect(await ACTIONS.get("team.remove")!.run({ userId: both.id })).toMatchObject({ ok: true });
    // Still signed in, and still a member at the other business only.
    expect(await a.db.select().from(sessions).where(eq(sessions.userId, both.id))).toHaveLength(1);
    expect((await a.db.select().from(memberships).where(eq(memberships.userId, both.id))).map((r) => r.merchantId)).toEqual([b.merchantId]);
    // Removed from the last business: signed out everywhere.
    const ownerB = await makeUser(b, "owner");
    await actAs(b.db, ownerB, b.merchantId);
    expect(await ACTIONS.get("team.remove")!.run({ userId: both.id })).toMatchObject({ ok: true });
    expect(await a.db.select().from(sessions).where(eq(sessions.userId, both.id))).toHaveLength(0);
  });

  it("Google sign-in is refused unless Google says the email is verified", async () => {
    const { authConfig, googleEmailVerified } = await vi.importActual<typeof import("@/auth")>("@/auth");
    const signIn = authConfig.callbacks!.signIn! as (p: unknown) => Promise<boolean> | boolean;
    const google = { provider: "google", type: "oidc", providerAccountId: "g1" };
    const user = { id: "u1", email: "owner@example.test" };
    expect(await signIn({ user, account: google, profile: { email: "owner@example.test", email_verified: false } })).toBe(false);
    expect(await signIn({ user, account: google, profile: { email: "owner@example.test" } })).toBe(false);
    expect(await signIn({ user, account: google, profile: { email: "owner@example.test", email_verified: "true" } })).toBe(false);
    expect(await signIn({ user, account: google, profile: { email: "owner@example.test", email_verified: true } })).toBe(true);
    expect(await signIn({ user, account: { provider: "email", type: "email", providerAccountId: "owner@example.test" } })).toBe(true);
    expect(googleEmailVerified({ provider: "google" }, undefined)).toBe(false);
  });

  it("the staff lookup answers another business's member code and QR code as it answers an unknown code", async () => {
    const w = await makeWorld();
    const theirCashier = await makeUser(w.other, "staff");
    await actAs(w.other.db, theirCashier, w.other.merchantId);
    const lookup = ACTIONS.get("staff.lookup")!;
    const unknown = await lookup.run({ code: "ZZZZ-ZZZZ" });
    expect(unknown).toMatchObject({ ok: false, code: "not_found" });
    const [row] = await w.m.db.select().from(cardsTable).where(eq(cardsTable.id, w.card.id));
    expect(await lookup.run({ code: w.card.referralCode })).toEqual(unknown);
    expect(await lookup.run({ code: cardQrToken(row!) })).toEqual(unknown);
    expect(await lookup.run({ code: w.voucher.code })).toEqual(unknown);
  });
});
