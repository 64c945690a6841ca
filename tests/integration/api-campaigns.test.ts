import { describe, expect, it } from "vitest";
import { POST as cancelRoute } from "@/app/api/v1/campaigns/[id]/cancel/route";
import { POST as duplicateRoute } from "@/app/api/v1/campaigns/[id]/duplicate/route";
import { GET as resultsRoute } from "@/app/api/v1/campaigns/[id]/results/route";
import { GET as getCampaignRoute, PATCH as patchCampaignRoute } from "@/app/api/v1/campaigns/[id]/route";
import { POST as startRoute } from "@/app/api/v1/campaigns/[id]/start/route";
import { GET as listCampaignsRoute, POST as createCampaignRoute } from "@/app/api/v1/campaigns/route";
import { POST as earnRoute } from "@/app/api/v1/cards/[id]/earn/route";
import { DELETE as deleteSegmentRoute, GET as getSegmentRoute, PATCH as patchSegmentRoute } from "@/app/api/v1/segments/[id]/route";
import { POST as previewRoute } from "@/app/api/v1/segments/preview/route";
import { GET as listSegmentsRoute, POST as createSegmentRoute } from "@/app/api/v1/segments/route";
import { POST as importRoute } from "@/app/api/v1/tags/import/route";
import { call, makeCard, makeMerchant, makeProgram } from "../support/fixtures";

const DAY = 86_400_000;

describe("segments and campaigns over the API", () => {
  it("a segment, its live count, a campaign with a holdout for it, edits, start, purchases and results; another business sees none of it", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const mail = (i: number) => `api${i}-${m.merchantId.toLowerCase()}@example.test`;
    const cards = await Promise.all(Array.from({ length: 12 }, (_, i) => makeCard(m, program.id, mail(i))));
    const key = m.apiKey;
    const tagged = await call(importRoute, { key, body: { csv: ["email,tags", ...Array.from({ length: 10 }, (_, i) => `${mail(i)},vip`), "nobody@example.test,vip"].join("\n") } });
    expect(tagged.status).toBe(200);
    expect(tagged.body).toMatchObject({ rows: 11, applied: 10, errors: [{ line: 12, value: "nobody@example.test", message: "no member with this email" }] });
    const none = await call(importRoute, { key, body: { csv: "nobody@example.test,vip" } });
    expect(none.status).toBe(422);
    expect(none.body.detail).toContain("line 1 (nobody@example.test): no member with this email");
    const definition = { match: "all", conditions: [{ field: "tags", op: "any", tags: ["VIP"] }] };

    const preview = await call(previewRoute, { key, body: { definition, programId: program.id } });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ cards: 10, customers: 10 });
    expect(preview.body.sample).toHaveLength(10);

    const created = await call(createSegmentRoute, { key, body: { name: "VIPs", definition }, idempotencyKey: "seg-1" });
    expect(created.status).toBe(201);
    expect(created.body.definition.conditions[0].tags).toEqual(["vip"]);
    const again = await call(createSegmentRoute, { key, body: { name: "VIPs", definition }, idempotencyKey: "seg-1" });
    expect(again.body.id).toBe(created.body.id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const segmentId = created.body.id as string;
    expect((await call(getSegmentRoute, { key, params: { id: segmentId } })).body.count).toEqual({ cards: 10, customers: 10 });
    expect((await call(patchSegmentRoute, { key, method: "PATCH", params: { id: segmentId }, body: { name: "Our VIPs" } })).body.name).toBe("Our VIPs");
    expect((await call(listSegmentsRoute, { key })).body.data.map((s: { id: string }) => s.id)).toEqual([segmentId]);
    const bad = await call(createSegmentRoute, { key, body: { name: "x", definition: { conditions: [{ field: "visits", days: 0, min: 1 }] } } });
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");

    const campaign = await call(createCampaignRoute, {
      key,
      body: {
        programId: program.id,
        name: "VIP double",
        audience: { kind: "segment", segmentId },
        effect: { kind: "multiplier", factor: 2 },
        holdoutPercent: 50,
        startsAt: new Date(Date.now() + DAY).toISOString(),
        endsAt: new Date(Date.now() + 3 * DAY).toISOString(),
      },
    });
    expect(campaign.status).toBe(201);
    expect(campaign.body).toMatchObject({ status: "scheduled", holdoutPercent: 50, audience: { kind: "segment", segmentId } });
    const id = campaign.body.id as string;
    // The segment cannot go while the campaign targets it.
    expect((await call(deleteSegmentRoute, { key, method: "DELETE", params: { id: segmentId } })).status).toBe(409);

    const renamed = await call(patchCampaignRoute, { key, method: "PATCH", params: { id }, body: { name: "VIP double week", holdoutPercent: 40 } });
    expect(renamed.body).toMatchObject({ name: "VIP double week", holdoutPercent: 40 });
    const copy = await call(duplicateRoute, { key, params: { id }, body: {} });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ status: "draft", name: "VIP double week (copy)", holdoutPercent: 40 });
    expect((await call(cancelRoute, { key, params: { id: copy.body.id } })).body.status).toBe("cancelled");
    expect((await call(listCampaignsRoute, { key, query: { status: "cancelled" } })).body.data.map((c: { id: string }) => c.id)).toEqual([copy.body.id]);

    // Before it starts there is nothing to compare.
    expect((await call(resultsRoute, { key, params: { id } })).body.comparison).toBeNull();
    const started = await call(startRoute, { key, params: { id } });
    expect(started.body.status).toBe("active");
    // Running: its audience is fixed now.
    const refused = await call(patchCampaignRoute, { key, method: "PATCH", params: { id }, body: { holdoutPercent: 10 } });
    expect(refused.status).toBe(409);
    expect(refused.body.errors).toEqual([{ path: "holdoutPercent", message: "fixed while the campaign runs" }]);

    for (const card of cards) expect((await call(earnRoute, { key, params: { id: card.id }, body: { purchase: { amount: 1000, currency: "USD" } } })).status).toBe(201);
    const results = await call(resultsRoute, { key, params: { id } });
    expect(results.status).toBe(200);
    const c = results.body.comparison;
    expect(c.treatedMembers + c.holdoutMembers).toBe(10);
    const points = c.metrics.find((x: { key: string }) => x.key === "points");
    expect(points).toMatchObject({ treated: 20, holdout: 10, difference: 10 });

    // Another business: not found, every way in.
    const o = await makeMerchant();
    expect((await call(getCampaignRoute, { key: o.apiKey, params: { id } })).status).toBe(404);
    expect((await call(resultsRoute, { key: o.apiKey, params: { id } })).status).toBe(404);
    expect((await call(getSegmentRoute, { key: o.apiKey, params: { id: segmentId } })).status).toBe(404);
    expect((await call(previewRoute, { key: o.apiKey, body: { definition, programId: program.id } })).status).toBe(422);
    expect((await call(listCampaignsRoute, { key: o.apiKey })).body.data).toEqual([]);
    expect((await call(duplicateRoute, { key: o.apiKey, params: { id }, body: {} })).status).toBe(404);
  });
});
