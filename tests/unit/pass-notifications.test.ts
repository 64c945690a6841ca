import { describe, expect, it } from "vitest";
import type { CardView } from "@/lib/cards/view";
import { passModel, type PassModel } from "@/wallet/apple/pass";

// What the pass JSON says about notifications: which fields carry a changeMessage (each changed
// one makes a lock-screen notification on the iPhone), for a points card at a few moments.
const config = { passTypeId: "pass.test.keepcard", teamId: "TEAM000001", webServiceUrl: "https://cards.example.com/api/wallet/apple" };

function view(over: { balance: number; tier?: string | null; status?: "active" | "closed"; rewards?: { name: string; cost: number; inventory: number | null }[]; name?: string | null }): CardView {
  const rewards = (over.rewards ?? [{ name: "Coffee", cost: 50, inventory: null }]).map((r, i) => ({ id: `rwd_${i}`, ...r }));
  const nextReward = rewards.find((r) => r.cost > over.balance);
  return {
    card: { id: "crd_1", balance: over.balance, tier: over.tier ?? null, status: over.status ?? "active", walletAuthToken: "a".repeat(32), publicToken: "p".repeat(24), referralCode: "REF123", version: 1, createdAt: new Date("2029-06-01T00:00:00Z") },
    program: { id: "prg_1", name: "Bean Points", kind: "points", currency: "USD", design: { backgroundColor: "#112233", foregroundColor: "#ffffff", labelColor: "#eeeeee" } },
    merchant: { id: "mer_1", name: "Bean Shop" },
    customer: { id: "cus_1", name: over.name === undefined ? "Ada Lovelace" : over.name, email: "ada@example.com" },
    rewards,
    open: rewards.filter((r) => r.inventory === null || r.inventory > 0),
    locations: [],
    next: nextReward ? { title: nextReward.name, remaining: nextReward.cost - over.balance, target: nextReward.cost } : null,
    tier: over.tier ? { name: over.tier, next: null } : null,
    referral: { link: "https://cards.example.com/join/prg_1?ref=REF123", offer: null },
    goals: [],
    modifiedAt: new Date("2030-01-01T00:00:00Z"),
  } as unknown as CardView;
}

const fields = (model: PassModel) => Object.values(model.fields).flat();
const withMessages = (model: PassModel) =>
  fields(model)
    .filter((f) => f.changeMessage)
    .map((f) => f.key)
    .sort();

describe("pass notifications", () => {
  it("only the balance, the tier and the back-of-pass message carry change messages", () => {
    const model = passModel(view({ balance: 60, tier: "Gold" }), config, { title: "Points expiring", body: "20 points expire soon" });
    expect(withMessages(model)).toEqual(["balance", "message", "tier"]);
    for (const f of fields(model)) if (f.changeMessage) expect(f.changeMessage).toContain("%@");
    // "Next reward" and "Ready to redeem" move with every purchase: shown, silent.
    expect(fields(model).find((f) => f.key === "ready")).toMatchObject({ value: "Coffee" });
    expect(fields(model).find((f) => f.key === "ready")!.changeMessage).toBeUndefined();
  });

  it("a visit that moves balance and tier makes one notification: the tier's", () => {
    const model = passModel(view({ balance: 120, tier: "Gold" }), config, null, { quietBalance: true });
    expect(withMessages(model)).toEqual(["tier"]);
  });

  it("after a redemption the pass never shows 'Reward unlocked: —' (nothing to redeem: no such field)", () => {
    const model = passModel(view({ balance: 10 }), config);
    const keys = fields(model).map((f) => f.key);
    expect(keys).not.toContain("ready");
    expect(JSON.stringify(model)).not.toContain("—");
    expect(JSON.stringify(model)).not.toContain("Reward unlocked");
  });

  it("a closed (erased) card is voided, silent and shows no personal data", () => {
    const model = passModel(view({ balance: 60, tier: "Gold", status: "closed", name: null }), config, { title: "Hi Ada", body: "for ada@example.com" });
    expect(model.props.voided).toBe(true);
    expect(withMessages(model)).toEqual([]);
    const json = JSON.stringify(model);
    expect(json).not.toContain("Ada");
    expect(json).not.toContain("ada@");
  });
});
