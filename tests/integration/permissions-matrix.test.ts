import "./dashboard-helpers";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { invitations, merchants, memberships, users, type Role } from "@/db/schema";
import { ACTIONS } from "@/app/_server/action";
import { can, type Permission } from "@/lib/auth/permissions";
import { PAGE_PERMISSIONS, pageAccess, type PageRoute } from "@/lib/auth/routes";
import { createApiKey } from "@/lib/api-keys/verbs";
import { newId } from "@/lib/ids";
import { earn } from "@/lib/ledger/earn";
import { createLocation } from "@/lib/locations/verbs";
import { redeemReward } from "@/lib/rewards/redeem";
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
  await earn(m.ctx, { cardId: card.id, points: 100 });
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
  return { m, program, reward, card, voucher, loc1, loc2, apiKey, target, invitationId, members, other, outsider, jobs };
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
  "payouts.configure": { input: (w) => ({ programId: w.jobs.cashback.id, provider: "manual", thresholdMinor: 700 }), reachesIn: true },
  "payouts.payNow": { input: (w) => ({ programId: w.jobs.cashback.id }), reachesIn: true },
  "payouts.rotateSecret": { input: (w) => ({ programId: w.jobs.cashback.id }), reachesIn: true },
  "payouts.markPaid": { input: (w) => ({ runId: w.jobs.runId }), reachesIn: true },
  "webhooks.create": { input: () => ({ url: "https://example.test/other", events: ["voucher.redeemed"] }), reachesIn: false },
  "webhooks.setActive": { input: (w) => ({ endpointId: w.jobs.endpoint.id, active: false }), reachesIn: true },
  "webhooks.replay": { input: (w) => ({ deliveryId: w.jobs.deliveryId }), reachesIn: true },
  "webhooks.rotateSecret": { input: (w) => ({ endpointId: w.jobs.endpoint.id }), reachesIn: true },
  "team.requireTwoFactor": { input: () => ({ required: false }), reachesIn: false },
};

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
    expect(mine.filter((a) => /^(programs|rewards|members|locations|team|apiKeys|settings|staff|campaigns|payouts|webhooks)\./.test(a.name)).map((a) => a.name)).toEqual([]);
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
