import { describe, expect, it } from "vitest";
import { earn } from "@/lib/ledger/earn";
import { makeCard, makeMerchant, makeProgram } from "../support/fixtures";

describe("smoke", () => {
  it("earns", async () => {
    const m = await makeMerchant();
    const p = await makeProgram(m);
    const c = await makeCard(m, p.id);
    const r = await earn(m.ctx, c.id, { purchase: { amount: 1250, currency: "USD" } });
    expect(r.card.balance).toBe(12);
  });
});
