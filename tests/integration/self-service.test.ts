import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";

const resend = await vi.hoisted(async () => {
  const { useResendFake } = await import("../support/resend-fake");
  return useResendFake();
});

import { POST as unsubscribePost, GET as unsubscribeGet } from "@/app/(public)/email/unsubscribe/[token]/route";
import { POST as exportPost } from "@/app/(public)/c/[token]/export/route";
import { auditLog, cards, customers, emails, outboxEvents } from "@/db/schema";
import { activateCampaign, announceCampaign } from "@/lib/campaigns/run";
import { createCampaign } from "@/lib/campaigns/verbs";
import { enroll } from "@/lib/cards/enroll";
import { joinFromPublicPage } from "@/lib/cards/join";
import { signCustomerLink, unsubscribeUrl, verifyCustomerLink } from "@/lib/customers/links";
import { confirmErasureByLink, customerOfLink, exportOwnData, requestOwnErasure, setOwnMarketing, updateOwnDetails } from "@/lib/customers/self-service";
import { sendEmail } from "@/lib/email";
import { earn } from "@/lib/ledger/earn";
import { createGoal } from "@/lib/goals/verbs";
import { resetRateLimiter } from "@/lib/rate-limit";
import { env } from "@/lib/env";
import { latestPass } from "@/wallet/apple/service";
import { makeMerchant, makeProgram, makeReward, type TestMerchant } from "../support/fixtures";
import { readStoredZip, testAppleConfig } from "../support/wallet-certs";
import { redeemReward } from "@/lib/rewards/redeem";

afterAll(() => resend.close());

const DAY = 86_400_000;
let n = 0;

async function member(m: TestMerchant, programId: string, marketing: boolean, name = "Ada") {
  const email = `self-${++n}-${m.merchantId}@example.test`.toLowerCase();
  const { card, customer } = await enroll(m.ctx, { programId, customer: { email, name }, marketingConsent: marketing });
  return { card, customer, email };
}

async function scheduleAnnounced(m: TestMerchant, programId: string, name: string) {
  const campaign = await createCampaign(m.ctx, {
    programId,
    name,
    audience: { kind: "everyone" },
    effect: { kind: "multiplier", factor: 2 },
    announcement: { subject: `${name}!`, message: "Come by.", email: true, wallet: false },
    startsAt: new Date(Date.now() + DAY).toISOString(),
    endsAt: new Date(Date.now() + 3 * DAY).toISOString(),
  });
  const activated = await activateCampaign(m.db, campaign.id, campaign.scheduleVersion, new Date(Date.now() + DAY + 1000));
  expect(activated.ok).toBe(true);
  return announceCampaign(m.db, campaign.id, "");
}

const post = (url: string, body: string) => new Request(url, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
const tokenOf = (url: string) => url.split("/").at(-1)!;

describe("one-click unsubscribe", () => {
  it("puts RFC 8058 headers and a visible link on marketing email, none on transactional email; the POST unsubscribes without a session and no campaign email follows", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { name: "News Club" });
    const fan = await member(m, program.id, true);
    const other = await member(m, program.id, true);

    await scheduleAnnounced(m, program.id, "Spring");
    const [mail] = resend.to(fan.email);
    expect(mail).toBeDefined();
    const listUnsubscribe = mail!.headers?.["List-Unsubscribe"];
    expect(listUnsubscribe).toMatch(new RegExp(`^<${env.APP_URL.replace(/\/$/, "")}/email/unsubscribe/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+>$`));
    expect(mail!.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const url = listUnsubscribe!.slice(1, -1);
    // The same link, visible in the email (HTML and text).
    expect(mail!.html).toContain(`href="${url}"`);
    expect(mail!.html).toContain(">Unsubscribe from offers</a>");
    expect(mail!.text).toContain(`Unsubscribe from offers: ${url}`);
    const [stored] = await m.db.select().from(emails).where(and(eq(emails.to, fan.email), eq(emails.kind, "campaign")));
    expect(stored!.headers).toEqual(mail!.headers);

    // A transactional email (the card link sent when someone joins again with a known address) has no such headers.
    await joinFromPublicPage(m.db, { programId: program.id, name: "Ada", email: fan.email, consent: true });
    const cardLink = resend.to(fan.email).find((e) => e.subject.includes("News Club card"));
    expect(cardLink).toBeDefined();
    expect(cardLink!.headers ?? {}).not.toHaveProperty("List-Unsubscribe");
    expect(cardLink!.html).not.toContain("/email/unsubscribe/");

    // A mail scanner's GET changes nothing: it is sent to the page that asks.
    const token = tokenOf(url);
    const get = await unsubscribeGet(new Request(url), { params: Promise.resolve({ token }) });
    expect(get.status).toBe(303);
    expect(get.headers.get("location")).toBe(`${url}/confirm`);
    expect((await customerOfLink(m.db, "unsubscribe", token))!.customer.marketingConsentAt).not.toBeNull();

    // The mail client's one-click POST, no cookie, no session.
    const res = await unsubscribePost(post(url, "List-Unsubscribe=One-Click"), { params: Promise.resolve({ token }) });
    expect(res.status).toBe(200);
    const [after] = await m.db.select().from(customers).where(eq(customers.id, fan.customer.id));
    expect(after!.marketingConsentAt).toBeNull();
    const audits = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.action, "customer.unsubscribed")));
    expect(audits).toHaveLength(1);
    // Twice is fine.
    expect((await unsubscribePost(post(url, "List-Unsubscribe=One-Click"), { params: Promise.resolve({ token }) })).status).toBe(200);

    // The next campaign reaches the other member only.
    const before = resend.to(fan.email).length;
    const second = await scheduleAnnounced(m, program.id, "Summer");
    expect(second.emailed).toBe(1);
    expect(resend.to(fan.email)).toHaveLength(before);
    expect(resend.to(other.email).map((e) => e.subject)).toEqual(["Spring!", "Summer!"]);
  });

  it("is enforced where email is sent: marketing kinds cannot go through sendEmail, and a customer unsubscribed mid-run gets nothing", async () => {
    const m = await makeMerchant();
    await expect(sendEmail(m.db, { to: "x@example.test", subject: "Offer", html: "<p>x</p>", text: "x", kind: "campaign" })).rejects.toThrow(/sendMarketingEmail/);
    const program = await makeProgram(m);
    const fan = await member(m, program.id, true);
    // The batch read the customer as subscribed; the preference changed before the send.
    const { sendMarketingEmail } = await import("@/lib/email");
    await setOwnMarketing(m.db, { token: fan.card.publicToken, marketing: false });
    const sent = await sendMarketingEmail(m.db, { customerId: fan.customer.id, kind: "campaign", dedupeKey: `t:${fan.card.id}`, compose: () => ({ subject: "Offer", html: "<p>x</p>", text: "x" }) });
    expect(sent).toMatchObject({ email: null, suppressed: true });
    expect(resend.to(fan.email)).toHaveLength(0);
  });

  it("refuses forged, altered, expired and other-purpose tokens", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const fan = await member(m, program.id, true);
    const good = tokenOf(unsubscribeUrl(fan.customer));
    expect(verifyCustomerLink("unsubscribe", good)).toMatchObject({ customerId: fan.customer.id, merchantId: m.merchantId });

    const [body, sig] = good.split(".");
    const claims = JSON.parse(Buffer.from(body!, "base64url").toString()) as Record<string, unknown>;
    const forgedBody = Buffer.from(JSON.stringify({ ...claims, c: "cus_someoneelse00000000" })).toString("base64url");
    const expired = signCustomerLink("unsubscribe", fan.customer, new Date(Date.now() - 400 * DAY));
    const erase = signCustomerLink("erase", fan.customer);
    for (const bad of [`${forgedBody}.${sig}`, `${body}.${sig!.slice(0, -4)}AAAA`, expired, erase, "nonsense", `${body}.`]) {
      expect(verifyCustomerLink("unsubscribe", bad)).toBeNull();
      const res = await unsubscribePost(post(`http://localhost/email/unsubscribe/${bad}`, "List-Unsubscribe=One-Click"), { params: Promise.resolve({ token: bad }) });
      expect(res.status).toBe(404);
    }
    const [row] = await m.db.select().from(customers).where(eq(customers.id, fan.customer.id));
    expect(row!.marketingConsentAt).not.toBeNull();
  });
});

describe("my data", () => {
  it("the holder edits name and birthday (the passes hear of a new name) and bad input is refused", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    const fan = await member(m, program.id, false, "Ada");
    const token = fan.card.publicToken;
    await updateOwnDetails(m.db, { token, name: "Ada Lovelace", birthday: "1990-12-10" });
    const [row] = await m.db.select().from(customers).where(eq(customers.id, fan.customer.id));
    expect(row).toMatchObject({ name: "Ada Lovelace", birthday: "1990-12-10" });
    const events = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "card.details_changed")));
    expect(events.map((e) => e.payload)).toEqual([{ cardId: fan.card.id, programId: program.id }]);
    await updateOwnDetails(m.db, { token, name: "Ada Lovelace", birthday: "" });
    expect((await m.db.select().from(customers).where(eq(customers.id, fan.customer.id)))[0]!.birthday).toBeNull();
    await expect(updateOwnDetails(m.db, { token, name: "", birthday: "" })).rejects.toThrow();
    await expect(updateOwnDetails(m.db, { token, name: "Ada", birthday: "2999-01-01" })).rejects.toThrow();
    await expect(updateOwnDetails(m.db, { token: "x".repeat(20), name: "Ada", birthday: "" })).rejects.toThrow(/no longer exists/);
  });

  it("the export holds the customer, their cards, entries and vouchers, as a JSON download", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { name: "Export Club" });
    const reward = await makeReward(m, program.id, 10);
    const fan = await member(m, program.id, true, "Grace");
    await createGoal(m.ctx, { programId: program.id, name: "Busy week", metric: "visits", target: 10, reward: { kind: "points", points: 5 }, startsAt: new Date(Date.now() - DAY).toISOString(), endsAt: new Date(Date.now() + DAY).toISOString() });
    await earn(m.ctx, { cardId: fan.card.id, points: 25 });
    const { voucher } = await redeemReward(m.ctx, { cardId: fan.card.id, rewardId: reward.id });

    const res = await exportPost(new Request(`http://localhost/c/${fan.card.publicToken}/export`, { method: "POST" }), { params: Promise.resolve({ token: fan.card.publicToken }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="my-data-\d{4}-\d{2}-\d{2}\.json"$/);
    const data = (await res.json()) as Awaited<ReturnType<typeof exportOwnData>>;
    expect(data.customer).toMatchObject({ id: fan.customer.id, email: fan.email, name: "Grace" });
    expect(data.customer).not.toHaveProperty("merchantId");
    expect(data.cards).toHaveLength(1);
    expect(data.cards[0]).toMatchObject({ program: "Export Club", balance: 15, status: "active" });
    expect(data.cards[0]!.entries.map((e) => [e.kind, e.amount])).toEqual([
      ["earn", 25],
      ["redeem", -10],
    ]);
    expect(data.cards[0]!.vouchers).toEqual([expect.objectContaining({ code: voucher.code, status: "issued" })]);
    expect(data.cards[0]!.goals).toEqual([expect.objectContaining({ goal: "Busy week", contribution: 1, rewardedAt: null })]);
    const audits = await m.db.select().from(auditLog).where(and(eq(auditLog.merchantId, m.merchantId), eq(auditLog.action, "customer.exported")));
    expect(audits).toHaveLength(1);
  });

  it("deletion: an emailed, signed link that expires; confirming erases the data, closes the card, voids the pass; the link works once; requests are rate limited", async () => {
    resetRateLimiter();
    Object.assign(env, { RATE_LIMIT_DISABLED: false });
    try {
      const m = await makeMerchant();
      const program = await makeProgram(m, { name: "Gone Club" });
      const fan = await member(m, program.id, true, "Hedy");
      const token = fan.card.publicToken;
      await requestOwnErasure(m.db, { token });
      // Nothing is deleted by asking.
      expect((await m.db.select().from(customers).where(eq(customers.id, fan.customer.id)))[0]!.erasedAt).toBeNull();
      const subject = `Confirm deleting your ${await merchantName(m)} card`;
      const [mail] = resend.to(fan.email).filter((e) => e.subject === subject);
      expect(mail).toBeDefined();
      expect(mail!.headers ?? {}).not.toHaveProperty("List-Unsubscribe");
      const link = /https?:\/\/\S+\/delete-my-data\/[A-Za-z0-9_.-]+/.exec(mail!.text!)![0];
      const eraseToken = tokenOf(link);
      // The stored copy does not keep the link (it is a credential).
      const [stored] = await m.db.select().from(emails).where(and(eq(emails.to, fan.email), eq(emails.kind, "erase_confirm")));
      expect(stored!.text).not.toContain(eraseToken);

      // Rate limited: three an hour per card.
      await requestOwnErasure(m.db, { token });
      await requestOwnErasure(m.db, { token });
      await expect(requestOwnErasure(m.db, { token })).rejects.toMatchObject({ code: "rate_limited" });

      // An expired link is refused and changes nothing.
      const old = signCustomerLink("erase", fan.customer, new Date(Date.now() - 2 * DAY));
      await expect(confirmErasureByLink(m.db, { token: old })).rejects.toMatchObject({ code: "not_found" });
      // An unsubscribe link is not a deletion link.
      await expect(confirmErasureByLink(m.db, { token: tokenOf(unsubscribeUrl(fan.customer)) })).rejects.toMatchObject({ code: "not_found" });

      await confirmErasureByLink(m.db, { token: eraseToken });
      const [erased] = await m.db.select().from(customers).where(eq(customers.id, fan.customer.id));
      expect(erased).toMatchObject({ name: null, marketingConsentAt: null });
      expect(erased!.erasedAt).not.toBeNull();
      expect(erased!.email).not.toContain("hedy");
      const [card] = await m.db.select().from(cards).where(eq(cards.id, fan.card.id));
      expect(card!.status).toBe("closed");
      const closed = await m.db.select().from(outboxEvents).where(and(eq(outboxEvents.merchantId, m.merchantId), eq(outboxEvents.type, "card.closed")));
      expect(closed.map((e) => e.payload)).toEqual([{ cardId: fan.card.id, programId: program.id }]);
      // The Apple pass, as the phone fetches it next, is voided.
      const config = testAppleConfig();
      const res = await latestPass(m.db, config, { passTypeId: config.passTypeId, serial: card!.id, authorization: `ApplePass ${card!.walletAuthToken}`, ifModifiedSince: null });
      if (res.notModified) throw new Error("expected a pass");
      expect((JSON.parse(readStoredZip(res.body)["pass.json"]!.toString()) as { voided?: boolean }).voided).toBe(true);

      // Single use.
      await expect(confirmErasureByLink(m.db, { token: eraseToken })).rejects.toMatchObject({ code: "not_found" });
      expect(await customerOfLink(m.db, "erase", eraseToken)).toBeNull();
      // And the card page's self-service is gone with the card.
      await expect(requestOwnErasure(m.db, { token })).rejects.toMatchObject({ code: "not_found" });
    } finally {
      Object.assign(env, { RATE_LIMIT_DISABLED: true });
      resetRateLimiter();
    }
  });
});

async function merchantName(m: TestMerchant): Promise<string> {
  const { merchants } = await import("@/db/schema");
  return (await m.db.select({ name: merchants.name }).from(merchants).where(eq(merchants.id, m.merchantId)))[0]!.name;
}
