import "./dashboard-helpers";
import { and, eq } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import { afterAll, describe, expect, it, vi } from "vitest";
import { cards, claimCodes, emails, ledgerEntries } from "@/db/schema";
import { claimBatchCodes, claimBatchCsv, claimBatchResults, createClaimBatch, listClaimBatches } from "@/lib/claims/batches";
import { claimByEmail, claimCode, lookupClaimCode } from "@/lib/claims/claim";
import { claimSheetPdf, LABELS_PER_PAGE } from "@/lib/claims/sheet";
import { makeCard, makeMerchant, makeProgram, makeUser, type TestMerchant } from "../support/fixtures";
import { expectLedgerConsistent } from "../support/invariants";
import { qrTextsOfPdf } from "../support/pdf-qr";

const DAY = 86_400_000;
let ipCounter = 0;
/** A fresh client address per use, so the per-address limit only bites where a test means it to. */
const ip = () => `198.51.100.${++ipCounter % 250}:${ipCounter}`;

async function batchOf(m: TestMerchant, opts: { quantity?: number; value?: number; kind?: "points" | "cashback"; expiresOn?: string } = {}) {
  const program = opts.kind === "cashback" ? await makeProgram(m, { name: "Cash", kind: "cashback", cashbackPercent: 5 }) : await makeProgram(m);
  const batch = await createClaimBatch(m.ctx, { programId: program.id, name: "Coffee bags", value: opts.value ?? 150, quantity: opts.quantity ?? 3, ...(opts.expiresOn ? { expiresOn: opts.expiresOn } : {}) });
  const { codes } = await claimBatchCodes(m.ctx, batch.id);
  return { program, batch, codes: codes.map((c) => c.code) };
}

async function balanceOf(m: TestMerchant, cardId: string) {
  const [row] = await m.db.select({ balance: cards.balance }).from(cards).where(eq(cards.id, cardId));
  return row!.balance;
}

describe("claim codes", () => {
  it("a code credits its value once; a second claim is refused as already claimed", async () => {
    const m = await makeMerchant();
    const { program, batch, codes } = await batchOf(m);
    const card = await makeCard(m, program.id);
    // Compact and unguessable: 16 base32 characters (80 bits); only hashes are stored.
    expect(codes).toHaveLength(3);
    for (const c of codes) expect(c).toMatch(/^[A-Z2-7]{16}$/);
    expect(new Set(codes).size).toBe(3);
    const stored = await m.db.select().from(claimCodes).where(eq(claimCodes.batchId, batch.id));
    expect(JSON.stringify(stored)).not.toContain(codes[0]);

    const done = await claimCode(m.db, { code: codes[0]!, cardId: card.id, ip: ip() });
    expect(done).toMatchObject({ value: 150, card: { balance: 150 } });
    expect(await lookupClaimCode(m.db, codes[0]!.toLowerCase())).toMatchObject({ state: "claimed" });
    await expect(claimCode(m.db, { code: codes[0]!, cardId: card.id, ip: ip() })).rejects.toMatchObject({ code: "already_redeemed", message: "This code was already claimed." });
    expect(await balanceOf(m, card.id)).toBe(150);
    const entries = await m.db.select().from(ledgerEntries).where(eq(ledgerEntries.cardId, card.id));
    const [used] = await m.db.select().from(claimCodes).where(and(eq(claimCodes.batchId, batch.id), eq(claimCodes.cardId, card.id)));
    expect(entries).toEqual([expect.objectContaining({ id: used!.entryId, kind: "bonus", amount: 150, source: "claim_code", actorType: "customer", reference: `claim:${used!.id}` })]);
    await expectLedgerConsistent(m.db, { cardId: card.id });
    // Typed by hand, in groups and lower case, a code still reads.
    const grouped = codes[1]!.toLowerCase().match(/.{4}/g)!.join("-");
    expect(await claimCode(m.db, { code: grouped, cardId: card.id, ip: ip() })).toMatchObject({ card: { balance: 300 } });
    await expect(claimCode(m.db, { code: "AAAAAAAAAAAAAAAA", cardId: card.id, ip: ip() })).rejects.toMatchObject({ code: "not_found" });
  });

  it("concurrent claims of one code credit exactly once, with one ledger entry", async () => {
    const m = await makeMerchant();
    const { program, codes } = await batchOf(m, { quantity: 1, value: 40 });
    const holders = await Promise.all([1, 2, 3, 4, 5, 6].map(() => makeCard(m, program.id)));
    const outcomes = await Promise.allSettled(holders.map((h) => claimCode(m.db, { code: codes[0]!, cardId: h.id, ip: ip() })));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === "rejected")) expect((o as PromiseRejectedResult).reason).toMatchObject({ code: "already_redeemed" });
    const credited = await m.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.merchantId, m.merchantId), eq(ledgerEntries.source, "claim_code")));
    expect(credited).toHaveLength(1);
    expect(credited[0]!.amount).toBe(40);
    await expectLedgerConsistent(m.db, { merchantId: m.merchantId });
  });

  it("an expired code is refused and credits nothing", async () => {
    const m = await makeMerchant();
    const today = new Date().toISOString().slice(0, 10);
    const { program, codes } = await batchOf(m, { expiresOn: today });
    const card = await makeCard(m, program.id);
    const later = () => new Date(Date.now() + 3 * DAY);
    await expect(claimCode(m.db, { code: codes[0]!, cardId: card.id, ip: ip(), now: later })).rejects.toMatchObject({ code: "expired" });
    expect(await lookupClaimCode(m.db, codes[0]!, later())).toMatchObject({ state: "expired" });
    expect(await balanceOf(m, card.id)).toBe(0);
    // A batch cannot be made already over.
    await expect(createClaimBatch(m.ctx, { programId: program.id, name: "Old", value: 5, quantity: 1, expiresOn: "2020-01-01" })).rejects.toMatchObject({ code: "invalid" });
  });

  it("another business's code cannot credit this business's card, nor a card of another program", async () => {
    const a = await makeMerchant();
    const b = await makeMerchant();
    const { program } = await batchOf(a, { quantity: 1 });
    const theirs = await batchOf(b, { quantity: 1 });
    const card = await makeCard(a, program.id);
    await expect(claimCode(a.db, { code: theirs.codes[0]!, cardId: card.id, ip: ip() })).rejects.toMatchObject({ code: "wrong_merchant" });
    const sibling = await batchOf(a, { quantity: 1 });
    await expect(claimCode(a.db, { code: sibling.codes[0]!, cardId: card.id, ip: ip() })).rejects.toMatchObject({ code: "wrong_merchant" });
    expect(await balanceOf(a, card.id)).toBe(0);
    // Neither code was used up by the refused attempts.
    expect(await lookupClaimCode(a.db, theirs.codes[0]!)).toMatchObject({ state: "open" });
    expect(await lookupClaimCode(a.db, sibling.codes[0]!)).toMatchObject({ state: "open" });
    // The other business sees none of this one's batches.
    expect(await listClaimBatches(b.ctx)).toHaveLength(1);
    await expect(claimBatchResults(b.ctx, sibling.batch.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(claimBatchCodes(b.ctx, sibling.batch.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("by email: a newcomer joins and is credited; a member is credited and gets the link by email; a claimed code enrols no one", async () => {
    const m = await makeMerchant();
    const { program, codes } = await batchOf(m, { quantity: 3 });
    const email = `newbie-${m.merchantId.toLowerCase()}@example.test`;
    const joined = await claimByEmail(m.db, { code: codes[0]!, name: "Nia", email, consent: true }, ip());
    expect(joined).toMatchObject({ created: true, value: 150, card: { balance: 150, programId: program.id } });
    const again = await claimByEmail(m.db, { code: codes[1]!, name: "Nia", email: email.toUpperCase(), consent: true }, ip());
    expect(again).toMatchObject({ created: false, emailed: true, value: 150 });
    expect(again).not.toHaveProperty("card");
    expect(await balanceOf(m, joined.created ? joined.card.id : "")).toBe(300);
    const sent = await m.db.select().from(emails).where(eq(emails.to, email));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain(`/c/${joined.created ? joined.card.publicToken : ""}`);
    const stranger = `late-${m.merchantId.toLowerCase()}@example.test`;
    await expect(claimByEmail(m.db, { code: codes[0]!, name: "Late", email: stranger, consent: true }, ip())).rejects.toMatchObject({ code: "already_redeemed" });
    expect(await m.db.select().from(cards).where(and(eq(cards.merchantId, m.merchantId)))).toHaveLength(1);
  });

  it("cashback codes credit minor units; stamp cards and staff cannot make batches; results count claims per day", async () => {
    const m = await makeMerchant();
    const { program, batch, codes } = await batchOf(m, { kind: "cashback", value: 250, quantity: 4 });
    const card = await makeCard(m, program.id);
    await claimCode(m.db, { code: codes[0]!, cardId: card.id, ip: ip() });
    await claimCode(m.db, { code: codes[1]!, cardId: card.id, ip: ip() });
    expect(await balanceOf(m, card.id)).toBe(500);
    const results = await claimBatchResults(m.ctx, batch.id);
    expect(results).toMatchObject({ claimed: 2, unclaimed: 2, expired: 0, given: 500 });
    expect(results.days.at(-1)).toMatchObject({ claims: 2, given: 500 });
    const { csv } = await claimBatchCsv(m.ctx, batch.id);
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("number,code,url,value,status,claimed_at,expires_at");
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain(`,${codes[0]},http://localhost:3000/claim/${codes[0]},$2.50,claimed,`);
    expect(lines[3]).toContain(",unclaimed,");

    const stamps = await makeProgram(m, { name: "Stamps", kind: "stamps", stampsRequired: 5 });
    await expect(createClaimBatch(m.ctx, { programId: stamps.id, name: "No", value: 1, quantity: 1 })).rejects.toMatchObject({ code: "invalid" });
    const staff = await makeUser(m, "staff");
    await expect(createClaimBatch({ ...m.ctx, actor: staff }, { programId: program.id, name: "No", value: 1, quantity: 1 })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("the sheet of QR labels", () => {
  it("is a valid PDF of A4 pages, 24 labels a page, whose QR codes decode to the claim links on APP_URL", async () => {
    const m = await makeMerchant();
    const { batch } = await batchOf(m, { quantity: 26, value: 75 });
    const found = await claimBatchCodes(m.ctx, batch.id);
    const bytes = await claimSheetPdf({ ...found, language: "fr" });
    expect(Buffer.from(bytes.subarray(0, 5)).toString("latin1")).toBe("%PDF-");
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(Math.ceil(26 / LABELS_PER_PAGE));
    expect(pdf.getPage(0).getSize()).toEqual({ width: 595.28, height: 841.89 });
    const texts = await qrTextsOfPdf(bytes);
    expect(texts.sort()).toEqual(found.codes.map((c) => c.url).sort());
    for (const t of texts) expect(t).toMatch(/^http:\/\/localhost:3000\/claim\/[A-Z2-7]{16}$/);
    // What a phone reads off the label claims the code.
    const program = found.program;
    const card = await makeCard(m, program.id);
    const scanned = texts[0]!.split("/claim/")[1]!;
    expect(await claimCode(m.db, { code: scanned, cardId: card.id, ip: ip() })).toMatchObject({ card: { balance: 75 } });
  });
});

// The global setup turns rate limits off for other files; this block loads the app afresh with them on.
describe("claim rate limits", () => {
  const saved = { ...process.env };
  afterAll(async () => {
    process.env = saved;
    vi.resetModules();
    (await import("@/lib/rate-limit")).resetRateLimiter();
  });
  async function withRateLimits() {
    delete process.env.RATE_LIMIT_DISABLED;
    vi.resetModules();
    (await import("@/lib/rate-limit")).resetRateLimiter();
    return { claim: await import("@/lib/claims/claim"), batches: await import("@/lib/claims/batches"), fixtures: await import("../support/fixtures") };
  }

  it("claims are rate limited per card and per client address", async () => {
    const app = await withRateLimits();
    const m = await app.fixtures.makeMerchant();
    const program = await app.fixtures.makeProgram(m);
    const batch = await app.batches.createClaimBatch(m.ctx, { programId: program.id, name: "Lids", value: 1, quantity: 12 });
    const codes = (await app.batches.claimBatchCodes(m.ctx, batch.id)).codes.map((c) => c.code);
    const card = await app.fixtures.makeCard(m, program.id);
    for (const code of codes.slice(0, 10)) await app.claim.claimCode(m.db, { code, cardId: card.id, ip: ip() });
    await expect(app.claim.claimCode(m.db, { code: codes[10]!, cardId: card.id, ip: ip() })).rejects.toMatchObject({ code: "rate_limited" });
    expect((await app.claim.lookupClaimCode(m.db, codes[9]!))?.state).toBe("claimed");
    expect(await balanceOf(m, card.id)).toBe(10);
    // Another card may still claim; one address guessing codes is stopped after 30 tries.
    const other = await app.fixtures.makeCard(m, program.id);
    const guesser = `203.0.113.7:${m.merchantId}`;
    for (let i = 0; i < 29; i++) await expect(app.claim.claimCode(m.db, { code: `AAAAAAAAAAAAAAA${"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[i]}`, cardId: other.id, ip: guesser })).rejects.toMatchObject({ code: "not_found" });
    expect(await app.claim.claimCode(m.db, { code: codes[10]!, cardId: other.id, ip: guesser })).toMatchObject({ card: { balance: 1 } });
    await expect(app.claim.claimCode(m.db, { code: codes[11]!, cardId: other.id, ip: guesser })).rejects.toMatchObject({ code: "rate_limited" });
  });

});
