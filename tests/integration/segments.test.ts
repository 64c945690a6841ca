import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { cards, customerTags, customers } from "@/db/schema";
import { enroll } from "@/lib/cards/enroll";
import { earn } from "@/lib/ledger/earn";
import { reverse } from "@/lib/ledger/reverse";
import { createLocation } from "@/lib/locations/verbs";
import { resolveSegmentCardIds } from "@/lib/segments/resolve";
import type { SegmentCondition, SegmentDefinition } from "@/lib/segments/schema";
import { importTags, listTags, parseCsv } from "@/lib/segments/tags";
import { createSegment, deleteSegment, getSegment, listSegments, previewSegment, updateSegment } from "@/lib/segments/verbs";
import { createCampaign } from "@/lib/campaigns/verbs";
import { makeMerchant, makeProgram, makeUser, type TestMerchant } from "../support/fixtures";

const DAY = 86_400_000;
const NOW = new Date();
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const at = (m: TestMerchant, when: Date) => ({ ...m.ctx, now: () => when });
const dollars = (n: number) => ({ purchase: { amount: n * 100, currency: "USD" } });

/**
 * One business with four members whose histories differ in one way each, and a second business
 * whose members would match every rule: it must never show up.
 *   ann  points program, Gold, born in March, tags vip+regular, 3 visits of $15 at Main in the last 10 days
 *   bob  points program, born in July, one $100 visit at Harbour 40 days ago
 *   cat  stamp program, tag vip, never visited
 *   dan  points program, one $50 visit 5 days ago that was reversed (not a visit)
 */
async function world() {
  const m = await makeMerchant();
  const points = await makeProgram(m, { name: "Beans" });
  const stamps = await makeProgram(m, { name: "Stamps", kind: "stamps", stampsRequired: 8 });
  const main = await createLocation(m.ctx, { name: "Main", latitude: null, longitude: null });
  const harbour = await createLocation(m.ctx, { name: "Harbour", latitude: null, longitude: null });
  const mail = (n: string) => `${n}-${m.merchantId.toLowerCase()}@example.test`;
  const join = async (name: string, programId: string, birthday?: string) =>
    (await enroll(m.ctx, { programId, customer: { email: mail(name), name, ...(birthday ? { birthday } : {}) } })).card;
  const ann = await join("ann", points.id, "1990-03-05");
  const bob = await join("bob", points.id, "1985-07-20");
  const cat = await join("cat", stamps.id);
  const dan = await join("dan", points.id);
  for (const d of [9, 5, 1]) await earn(at(m, ago(d)), { cardId: ann.id, ...dollars(15), locationId: main.id });
  await m.db.update(cards).set({ tier: "Gold" }).where(eq(cards.id, ann.id));
  await earn(at(m, ago(40)), { cardId: bob.id, ...dollars(100), locationId: harbour.id });
  const danVisit = await earn(at(m, ago(5)), { cardId: dan.id, ...dollars(50) });
  await reverse(m.ctx, { entryId: danVisit.entry.id, reason: "refunded purchase" });
  const report = await importTags(m.ctx, { csv: `email,tags\n${mail("ann")},VIP;regular\n${ann.referralCode.toLowerCase()},regular\n${mail("cat")},vip\n` });
  expect(report.errors).toEqual([]);

  // The other business: same tags, same tier, a big balance, visits everywhere.
  const o = await makeMerchant();
  const oProgram = await makeProgram(o);
  const oLoc = await createLocation(o.ctx, { name: "Elsewhere", latitude: null, longitude: null });
  const intruder = (await enroll(o.ctx, { programId: oProgram.id, customer: { email: `zed-${o.merchantId.toLowerCase()}@example.test`, birthday: "1990-03-05" } })).card;
  await earn(at(o, ago(2)), { cardId: intruder.id, ...dollars(500), locationId: oLoc.id });
  await o.db.update(cards).set({ tier: "Gold" }).where(eq(cards.id, intruder.id));
  await importTags(o.ctx, { csv: `zed-${o.merchantId.toLowerCase()}@example.test,vip;regular` });
  const otherSegment = await createSegment(o.ctx, { name: "Their VIPs", definition: { match: "all", conditions: [{ field: "tags", op: "any", tags: ["vip"] }] } });

  return { m, points, stamps, main, harbour, ann, bob, cat, dan, o, oLoc, intruder, otherSegment, mail };
}

let w: Awaited<ReturnType<typeof world>>;
beforeAll(async () => {
  w = await world();
});

/** The names of the cards a definition selects, through a saved segment and resolveSegmentCardIds. */
async function members(definition: Partial<SegmentDefinition> & { conditions: SegmentCondition[] }): Promise<string[]> {
  const names = new Map([w.ann, w.bob, w.cat, w.dan, w.intruder].map((c, i) => [c.id, ["ann", "bob", "cat", "dan", "INTRUDER"][i]!]));
  const segment = await createSegment(w.m.ctx, { name: "probe", definition: { match: "all", ...definition } });
  const ids = await resolveSegmentCardIds(w.m.ctx, { merchantId: w.m.merchantId, segmentId: segment.id });
  const preview = await previewSegment(w.m.ctx, { definition: { match: "all", ...definition } });
  expect(preview.cards).toBe(ids.length);
  await deleteSegment(w.m.ctx, { segmentId: segment.id });
  return ids.map((id) => names.get(id) ?? id).sort();
}

const one = (c: SegmentCondition) => members({ conditions: [c] });

describe("segment rules", () => {
  it("tier", async () => {
    expect(await one({ field: "tier", tiers: ["Gold"] })).toEqual(["ann"]);
    expect(await one({ field: "tier", tiers: ["Silver"] })).toEqual([]);
  });

  it("balance, between and open-ended", async () => {
    expect(await one({ field: "balance", min: 40, max: 80 })).toEqual(["ann"]); // 45
    expect(await one({ field: "balance", min: 100 })).toEqual(["bob"]);
    expect(await one({ field: "balance", max: 0 })).toEqual(["cat", "dan"]);
  });

  it("lifetime spend counts purchases, not reversed ones", async () => {
    expect(await one({ field: "lifetime_spend", min: 5000 })).toEqual(["bob"]);
    expect(await one({ field: "lifetime_spend", min: 4500, max: 4500 })).toEqual(["ann"]);
    expect(await one({ field: "lifetime_spend", max: 0 })).toEqual(["cat", "dan"]);
  });

  it("visits in the last N days", async () => {
    expect(await one({ field: "visits", days: 30, min: 2 })).toEqual(["ann"]);
    expect(await one({ field: "visits", days: 60, min: 1 })).toEqual(["ann", "bob"]);
    expect(await one({ field: "visits", days: 60, max: 0 })).toEqual(["cat", "dan"]);
  });

  it("last visit within N days, or not", async () => {
    expect(await one({ field: "last_visit", op: "within", days: 30 })).toEqual(["ann"]);
    expect(await one({ field: "last_visit", op: "not_within", days: 30 })).toEqual(["bob", "cat", "dan"]);
  });

  it("birthday month", async () => {
    expect(await one({ field: "birthday_month", months: [3] })).toEqual(["ann"]);
    expect(await one({ field: "birthday_month", months: [7, 12] })).toEqual(["bob"]);
  });

  it("visited a location", async () => {
    expect(await one({ field: "location", locationIds: [w.harbour.id] })).toEqual(["bob"]);
    expect(await one({ field: "location", locationIds: [w.main.id, w.harbour.id] })).toEqual(["ann", "bob"]);
  });

  it("program", async () => {
    expect(await one({ field: "program", programIds: [w.stamps.id] })).toEqual(["cat"]);
  });

  it("tags: any, all, none", async () => {
    expect(await one({ field: "tags", op: "any", tags: ["vip"] })).toEqual(["ann", "cat"]);
    expect(await one({ field: "tags", op: "all", tags: ["vip", "regular"] })).toEqual(["ann"]);
    expect(await one({ field: "tags", op: "none", tags: ["vip"] })).toEqual(["bob", "dan"]);
  });

  it("combines conditions with all and any; no conditions is everyone", async () => {
    expect(await members({ match: "all", conditions: [{ field: "program", programIds: [w.points.id] }, { field: "tags", op: "any", tags: ["vip"] }] })).toEqual(["ann"]);
    expect(await members({ match: "any", conditions: [{ field: "birthday_month", months: [7] }, { field: "program", programIds: [w.stamps.id] }] })).toEqual(["bob", "cat"]);
    expect(
      await members({ match: "all", conditions: [{ field: "last_visit", op: "not_within", days: 30 }, { field: "tags", op: "none", tags: ["vip"] }, { field: "balance", min: 1 }] }),
    ).toEqual(["bob"]);
    expect(await members({ conditions: [] })).toEqual(["ann", "bob", "cat", "dan"]);
  });

  it("narrows to one program for a campaign, and counts customers as well as cards", async () => {
    const preview = await previewSegment(w.m.ctx, { definition: { match: "all", conditions: [] }, programId: w.points.id });
    expect(preview).toMatchObject({ cards: 3, customers: 3 });
    expect(preview.sample.map((s) => s.cardId).sort()).toEqual([w.ann.id, w.bob.id, w.dan.id].sort());
  });

  it("input is data, never SQL; bad rules are refused with the field named", async () => {
    expect(await one({ field: "tier", tiers: ["x' or '1'='1"] })).toEqual([]);
    await expect(createSegment(w.m.ctx, { name: "bad", definition: { match: "all", conditions: [{ field: "tags", op: "any", tags: ["'; drop table cards; --"] }] } })).rejects.toMatchObject({ name: "ZodError" });
    await expect(createSegment(w.m.ctx, { name: "bad", definition: { match: "all", conditions: [{ field: "balance", min: 10, max: 5 }] } })).rejects.toThrow(/minimum is above the maximum/);
    await expect(createSegment(w.m.ctx, { name: "bad", definition: { match: "all", conditions: [{ field: "balance" }] } })).rejects.toThrow(/minimum, a maximum or both/);
    await expect(createSegment(w.m.ctx, { name: "bad", definition: { match: "all", conditions: [{ field: "nope" } as never] } })).rejects.toMatchObject({ name: "ZodError" });
  });
});

describe("saved segments", () => {
  it("create, read with a live count, update, list, delete", async () => {
    const marketer = await makeUser(w.m, "marketer");
    const as = { ...w.m.ctx, actor: marketer };
    const segment = await createSegment(as, { name: "Regulars", description: "Came twice lately", definition: { match: "all", conditions: [{ field: "visits", days: 30, min: 2 }] } });
    expect((await getSegment(as, segment.id)).count).toEqual({ cards: 1, customers: 1 });
    // A new visit by bob now makes him a regular too: a segment is always current.
    await earn(w.m.ctx, { cardId: w.bob.id, ...dollars(1) });
    await earn(w.m.ctx, { cardId: w.bob.id, ...dollars(1) });
    expect((await getSegment(as, segment.id)).count.cards).toBe(2);
    const renamed = await updateSegment(as, { segmentId: segment.id, name: "Loyal regulars", definition: { match: "all", conditions: [{ field: "visits", days: 30, min: 3 }] } });
    expect(renamed.name).toBe("Loyal regulars");
    expect((await getSegment(as, segment.id)).count.cards).toBe(1);
    expect((await listSegments(as, { withCounts: true })).find((s) => s.id === segment.id)?.count?.cards).toBe(1);
    await deleteSegment(as, { segmentId: segment.id });
    await expect(getSegment(as, segment.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("a segment an upcoming campaign targets cannot be deleted", async () => {
    const segment = await createSegment(w.m.ctx, { name: "Targets", definition: { match: "all", conditions: [{ field: "tags", op: "any", tags: ["vip"] }] } });
    await createCampaign(w.m.ctx, {
      programId: w.points.id,
      name: "VIP week",
      audience: { kind: "segment", segmentId: segment.id },
      effect: { kind: "bonus", points: 10 },
      startsAt: new Date(Date.now() + DAY).toISOString(),
      endsAt: new Date(Date.now() + 2 * DAY).toISOString(),
    });
    await expect(deleteSegment(w.m.ctx, { segmentId: segment.id })).rejects.toMatchObject({ code: "conflict" });
  });

  it("staff and partners cannot build segments", async () => {
    for (const role of ["staff", "partner"] as const) {
      const actor = await makeUser(w.m, role);
      await expect(createSegment({ ...w.m.ctx, actor }, { name: "x", definition: { match: "all", conditions: [] } })).rejects.toMatchObject({ code: "forbidden" });
    }
  });
});

describe("tenant isolation", () => {
  it("another business's segment, cards, programs and locations never leak in", async () => {
    // Its segment is not found from here, by id, in any way.
    await expect(getSegment(w.m.ctx, w.otherSegment.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(resolveSegmentCardIds(w.m.db, { merchantId: w.m.merchantId, segmentId: w.otherSegment.id })).rejects.toMatchObject({ code: "not_found" });
    await expect(updateSegment(w.m.ctx, { segmentId: w.otherSegment.id, name: "mine" })).rejects.toMatchObject({ code: "not_found" });
    await expect(deleteSegment(w.m.ctx, { segmentId: w.otherSegment.id })).rejects.toMatchObject({ code: "not_found" });
    expect((await listSegments(w.m.ctx)).some((s) => s.id === w.otherSegment.id)).toBe(false);
    // Its ids in a rule are refused, not silently matched.
    await expect(previewSegment(w.m.ctx, { definition: { match: "all", conditions: [{ field: "location", locationIds: [w.oLoc.id] }] } })).rejects.toMatchObject({ code: "invalid" });
    await expect(createSegment(w.m.ctx, { name: "x", definition: { match: "all", conditions: [{ field: "program", programIds: [w.o.merchantId] }] } })).rejects.toMatchObject({ code: "invalid" });
    // Rules its card would satisfy select only this business's cards.
    const everyone = await previewSegment(w.m.ctx, { definition: { match: "any", conditions: [{ field: "tags", op: "any", tags: ["vip"] }, { field: "tier", tiers: ["Gold"] }, { field: "balance", min: 1 }] } });
    expect(everyone.sample.map((s) => s.cardId)).not.toContain(w.intruder.id);
    // Their own segment sees only their own card.
    expect(await resolveSegmentCardIds(w.o.ctx, { merchantId: w.o.merchantId, segmentId: w.otherSegment.id })).toEqual([w.intruder.id]);
    // Tags are per business: theirs is not ours.
    expect((await listTags(w.m.ctx)).map((t) => t.tag)).toEqual(["regular", "vip"]);
  });
});

describe("tags from CSV", () => {
  it("parses quoted fields, CRLF and a BOM", () => {
    expect(parseCsv('\uFEFFemail,tags\r\n"a@x.test","vip; ""big"" spender"\r\nb@x.test,one\n')).toEqual([
      ["email", "tags"],
      ["a@x.test", 'vip; "big" spender'],
      ["b@x.test", "one"],
    ]);
  });

  it("applies good rows by email or member code and reports every bad row with its line and reason", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const mail = (n: string) => `${n}-${m.merchantId.toLowerCase()}@example.test`;
    const eve = (await enroll(m.ctx, { programId: program.id, customer: { email: mail("eve") } })).card;
    const fay = (await enroll(m.ctx, { programId: program.id, customer: { email: mail("fay") } })).card;
    const csv = [
      "member code,tags",
      `${mail("EVE")},Coffee Lover; weekday`,
      `${fay.referralCode},wholesale|coffee lover`,
      `nobody-${m.merchantId.toLowerCase()}@example.test,vip`,
      "not-an-email@,vip",
      `${mail("eve")},`,
      `${mail("eve")},bad<tag>`,
      "ZZZZ-ZZZZ,vip",
      "",
      "ab,vip",
    ].join("\n");
    const report = await importTags(m.ctx, { csv });
    expect(report).toMatchObject({ rows: 8, applied: 2, customers: 2, tagsAdded: 4, tagsRemoved: 0 });
    expect(report.errors).toEqual([
      { line: 4, value: `nobody-${m.merchantId.toLowerCase()}@example.test`, message: "no member with this email" },
      { line: 5, value: "not-an-email@", message: "not a valid email address" },
      { line: 6, value: mail("eve"), message: "no tags on this row" },
      { line: 7, value: mail("eve"), message: "tag “bad<tag>”: a tag has letters, digits, spaces, - and _ only" },
      { line: 8, value: "ZZZZ-ZZZZ", message: "no member with this member code" },
      { line: 10, value: "ab", message: "not an email or a member code (member codes look like K7QM-3XPA)" },
    ]);
    const tagsOf = async (customerId: string) =>
      (await m.db.select().from(customerTags).where(eq(customerTags.customerId, customerId))).map((t) => t.tag).sort();
    expect(await tagsOf(eve.customerId)).toEqual(["coffee lover", "weekday"]);
    expect(await tagsOf(fay.customerId)).toEqual(["coffee lover", "wholesale"]);

    // Importing the same file again adds nothing; "replace" makes the file's tags the only ones.
    expect((await importTags(m.ctx, { csv })).tagsAdded).toBe(0);
    const replaced = await importTags(m.ctx, { csv: `${mail("eve")},weekday`, mode: "replace" });
    expect(replaced).toMatchObject({ applied: 1, tagsAdded: 0, tagsRemoved: 1, errors: [] });
    expect(await tagsOf(eve.customerId)).toEqual(["weekday"]);
    expect(await tagsOf(fay.customerId)).toEqual(["coffee lover", "wholesale"]);
  });

  it("never tags another business's customer, nor an erased one", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const gone = (await enroll(m.ctx, { programId: program.id, customer: { email: `gone-${m.merchantId.toLowerCase()}@example.test` } })).card;
    await m.db.update(customers).set({ erasedAt: new Date() }).where(eq(customers.id, gone.customerId));
    // Nothing here is this business's: the import is refused, naming each row's reason.
    const refused = importTags(m.ctx, { csv: `${w.mail("ann")},stolen\n${w.ann.referralCode},stolen\ngone-${m.merchantId.toLowerCase()}@example.test,x` });
    await expect(refused).rejects.toMatchObject({ code: "invalid" });
    await expect(refused).rejects.toThrow(/line 1 \(.*\): no member with this email; line 2 \(.*\): no member with this member code; line 3 \(.*\): no member with this email/);
    expect((await w.m.db.select().from(customerTags).where(eq(customerTags.customerId, w.ann.customerId))).map((t) => t.tag)).not.toContain("stolen");
  });

  it("refuses an empty file", async () => {
    await expect(importTags(w.m.ctx, { csv: "email,tags\n\n" })).rejects.toMatchObject({ code: "invalid" });
  });
});
