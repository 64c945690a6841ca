import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { GoogleConfig } from "@/wallet/config";
import { POST } from "@/app/(public)/c/[token]/google/route";
import { makeCard, makeMerchant, makeProgram } from "../support/fixtures";
import { startGoogleFake } from "../support/google-fake";
import { testGoogleConfig } from "../support/wallet-certs";

// Development credentials (the test service account of `wallet:dev-certs`) with Google's real
// API host: "Add to Google Wallet" must not call Google at all. Here the configuration even
// points at a local fake, to prove that not a single request is made in development mode.

let google: Awaited<ReturnType<typeof startGoogleFake>>;
let config: GoogleConfig;

vi.mock("@/wallet/config", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/wallet/config")>();
  return { ...original, googleConfig: () => config };
});

beforeAll(async () => {
  google = await startGoogleFake();
  config = { ...testGoogleConfig(google.baseUrl), mode: "development" };
});

afterAll(async () => {
  await google.close();
});

describe("Add to Google Wallet in development mode", () => {
  it("goes back to the card page, which explains, without a request to Google", async () => {
    const m = await makeMerchant();
    const card = await makeCard(m, (await makeProgram(m)).id);
    const res = await POST(new Request(`http://localhost:3000/c/${card.publicToken}/google`, { method: "POST" }), { params: Promise.resolve({ token: card.publicToken }) });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`http://localhost:3000/c/${card.publicToken}?wallet=google-development`);
    expect(google.requests).toHaveLength(0);
  });

});
