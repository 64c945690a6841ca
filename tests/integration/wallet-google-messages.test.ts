import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDbHandle } from "@/db/client";
import { googleWalletMessages } from "@/db/schema";
import { loadCardView } from "@/lib/cards/view";
import { earn } from "@/lib/ledger/earn";
import { GoogleWalletClient } from "@/wallet/google/client";
import { NOTIFICATIONS_PER_DAY } from "@/wallet/google/notify";
import { googleSaveUrl } from "@/wallet/google/sync";
import { addGoogleMessage, recordWalletMessage } from "@/wallet/messages";
import { syncGoogleCard, type WalletDeps } from "@/wallet/sync";
import { makeCard, makeMerchant, makeProgram, makeReward, type TestMerchant } from "../support/fixtures";
import { startGoogleFake } from "../support/google-fake";
import { testGoogleConfig } from "../support/wallet-certs";

// Google messages and notifications exactly once, within the daily budget, on both databases;
// the race between jobs needs real connections and runs on Postgres only.
const onPostgres = (process.env.TEST_DB ?? "pglite") === "postgres";

let google: Awaited<ReturnType<typeof startGoogleFake>>;
let deps: WalletDeps;
let m: TestMerchant;

beforeAll(async () => {
  google = await startGoogleFake();
  const gw = new GoogleWalletClient(testGoogleConfig(google.baseUrl), { credentials: { access_token: google.token, expiry_date: Date.now() + 3600_000 } });
  deps = { apple: null, google: gw };
  m = await makeMerchant();
});
afterAll(() => google.close());
beforeEach(() => google.reset());

async function savedCard(programId: string) {
  const card = await makeCard(m, programId);
  await googleSaveUrl(m.db, deps.google!, (await loadCardView(m.db, { cardId: card.id }))!);
  google.reset();
  return card;
}
type Stored = { messages?: { id: string; messageType: string }[]; notifyPreference?: string };
const stored = (cardId: string) => google.objects.get(deps.google!.objectId(cardId)) as Stored;
const rows = (cardId: string) => m.db.select().from(googleWalletMessages).where(eq(googleWalletMessages.cardId, cardId));

describe("Google notifications", () => {
  it("a retried sync adds its milestone message once, even when Google took it and the answer was lost", async () => {
    const program = await makeProgram(m, { name: "Lost answer" });
    await makeReward(m, program.id, 10);
    const card = await savedCard(program.id);
    await earn(m.ctx, { cardId: card.id, points: 10 });
    google.behave({ loseAnswers: 1 });
    await expect(syncGoogleCard(m.db, deps, card.id)).rejects.toThrow(/503/);
    google.reset();
    const retry = await syncGoogleCard(m.db, deps, card.id);
    expect(retry!.messages).toEqual([{ kind: "reward_unlocked", notify: true, quotaLimited: false }]);
    expect(google.requests.filter((r) => r.path.endsWith("/addMessage"))).toHaveLength(0);
    expect(stored(card.id).messages).toHaveLength(1);
    expect(await rows(card.id)).toHaveLength(1);
  });

  it("a balance change notifies through notifyOnUpdate within the budget; one visit, one notification", async () => {
    const program = await makeProgram(m, { name: "Field updates" });
    const card = await savedCard(program.id);
    const notifies: boolean[] = [];
    for (let i = 0; i < NOTIFICATIONS_PER_DAY + 1; i++) {
      await earn(m.ctx, { cardId: card.id, points: 5 });
      google.reset();
      const outcome = await syncGoogleCard(m.db, deps, card.id);
      const patch = google.requests.find((r) => r.method === "PATCH")!;
      notifies.push(patch.body?.notifyPreference === "notifyOnUpdate");
      expect(outcome!.notified).toBe(notifies[i]);
    }
    expect(notifies).toEqual([true, true, true, false]);
    expect((await rows(card.id)).filter((r) => r.notify)).toHaveLength(3);

    // A visit that unlocks a reward: the message notifies, the PATCH does not as well.
    await makeReward(m, program.id, 25);
    const other = await savedCard(program.id);
    await earn(m.ctx, { cardId: other.id, points: 30 });
    google.reset();
    const outcome = await syncGoogleCard(m.db, deps, other.id);
    expect(outcome).toMatchObject({ patched: true, notified: true, messages: [{ kind: "reward_unlocked", notify: true }] });
    expect(google.requests.find((r) => r.method === "PATCH")!.body?.notifyPreference).toBeUndefined();
  });

  it("a quota answer to a notifying PATCH falls back to a silent one, recorded", async () => {
    const program = await makeProgram(m, { name: "Quota patch" });
    const card = await savedCard(program.id);
    await earn(m.ctx, { cardId: card.id, points: 5 });
    google.behave({ quota: true });
    const outcome = await syncGoogleCard(m.db, deps, card.id);
    expect(outcome).toMatchObject({ patched: true, notified: false });
    expect(google.requests.filter((r) => r.method === "PATCH").map((r) => r.body?.notifyPreference ?? null)).toEqual(["notifyOnUpdate", null]);
    expect(await rows(card.id)).toEqual([expect.objectContaining({ kind: "field_update", notify: false, quotaLimited: true })]);
  });
});

// PGlite is one connection, so two jobs can never race for the budget there: this race needs Postgres.
describe.runIf(onPostgres)("Google notification budget on Postgres", () => {
  it("the pool really is Postgres", () => {
    expect(getDbHandle().kind).toBe("postgres");
  });

  it("eight concurrent messages for one card never notify more than 3 times", async () => {
    const program = await makeProgram(m, { name: "Race" });
    const card = await savedCard(program.id);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await recordWalletMessage(m.db, { cardId: card.id, reason: `race:${i}`, title: `T${i}`, body: `B${i}` }))!.id);
    const outcomes = await Promise.all(ids.map((id) => addGoogleMessage(m.db, deps.google, id)));
    expect(outcomes.filter((o) => o!.notify)).toHaveLength(NOTIFICATIONS_PER_DAY);
    expect(stored(card.id).messages!.filter((x) => x.messageType === "TEXT_AND_NOTIFY")).toHaveLength(NOTIFICATIONS_PER_DAY);
    expect(stored(card.id).messages).toHaveLength(8);
    expect((await rows(card.id)).filter((r) => r.notify)).toHaveLength(NOTIFICATIONS_PER_DAY);
  });
});
