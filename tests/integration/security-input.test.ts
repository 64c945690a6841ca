import { describe, expect, it } from "vitest";
import { GET as getCard } from "@/app/api/v1/cards/[id]/route";
import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { POST as enrollRoute } from "@/app/api/v1/cards/route";
import { call, makeMerchant, makeProgram } from "../support/fixtures";

describe("control characters in input", () => {
  it.each(["\u0000", "crd_\u0000abc", "\u0007", "\u009b", "crd_\nx"])("GET /api/v1/cards/%j answers 400 problem+json, not 500", async (id) => {
    const m = await makeMerchant();
    const res = await call(getCard, { key: m.apiKey, path: `/api/v1/cards/${encodeURIComponent(id)}`, params: { id } });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  it("refuses a NUL in an id inside a body with a 4xx", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const enrolled = await call(enrollRoute, { key: m.apiKey, path: "/api/v1/cards", body: { programId: program.id, customer: { email: "a@example.test" } } });
    expect(enrolled.status).toBe(201);
    const cardId = (enrolled.body as { id: string }).id;
    const res = await call(earnRoute, { key: m.apiKey, path: `/api/v1/cards/${cardId}/earn`, params: { id: cardId }, body: { points: 1, locationId: "loc_\u0000" } });
    expect(res.status).toBe(422);
  });

  it("refuses control characters in a customer's name but keeps ordinary text", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const bad = await call(enrollRoute, { key: m.apiKey, path: "/api/v1/cards", body: { programId: program.id, customer: { email: "b@example.test", name: "Ann\u0000\u001b[2J" } } });
    expect(bad.status).toBe(422);
    const good = await call(enrollRoute, { key: m.apiKey, path: "/api/v1/cards", body: { programId: program.id, customer: { email: "c@example.test", name: "Ann-Marie O'Neil 李" } } });
    expect(good.status).toBe(201);
  });
});
