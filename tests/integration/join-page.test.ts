import "./dashboard-helpers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { joinProgram } from "@/app/(public)/join/[program]/actions";
import { inviteMemberAction } from "@/app/dashboard/team/actions";
import { cards, emails, merchants } from "@/db/schema";
import { joinFromPublicPage } from "@/lib/cards/join";
import { listDevOutbox } from "@/lib/email/dev-outbox";
import { makeMerchant, makeProgram, makeUser } from "../support/fixtures";
import { actAs } from "./dashboard-helpers";

const join = (programId: string, email: string) => ({ programId, name: "Ada", email, consent: true as const });

describe("joining from the public page", () => {
  it("a new email gets a card; the same email again gets its link by email, once an hour, and no card is shown", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { name: "Coffee <club>" });
    await m.db.update(merchants).set({ name: "Tom & Jerry's <Café>" }).where(eq(merchants.id, m.merchantId));
    const email = `ada-${m.merchantId}@example.test`.toLowerCase();

    const first = await joinFromPublicPage(m.db, join(program.id, email));
    expect(first).toMatchObject({ created: true, merchantId: m.merchantId });
    expect(await m.db.select().from(emails).where(eq(emails.to, email))).toHaveLength(0);

    // Through the page's action: the known address is answered by email, not with the card.
    expect(await joinProgram(join(program.id, email.toUpperCase()))).toEqual({ ok: true, data: { emailed: true } });
    expect(await joinProgram(join(program.id, email))).toEqual({ ok: true, data: { emailed: true } });
    const sent = await m.db.select().from(emails).where(eq(emails.to, email));
    expect(sent).toHaveLength(1);
    const [card] = await m.db.select().from(cards).where(eq(cards.programId, program.id));
    expect(sent[0]).toMatchObject({ kind: "card_link", subject: "Your Coffee <club> card", merchantId: m.merchantId });
    expect(sent[0]!.text).toContain(`/c/${card!.publicToken}`);
    // Names are escaped in the HTML, and the button links to the card.
    expect(sent[0]!.html).toContain("<strong>Coffee &lt;club&gt;</strong> card at Tom &amp; Jerry&#39;s &lt;Café&gt;");
    expect(sent[0]!.html).not.toContain("<club>");
    expect(sent[0]!.html).toMatch(new RegExp(`href="[^"]*/c/${card!.publicToken}"`));

    // The dev outbox lists it, newest first.
    const outbox = await listDevOutbox(m.db, { limit: 500 });
    expect(outbox.find((e) => e.to === email)?.id).toBe(sent[0]!.id);
  });

  it("an unknown program or a missing consent is refused", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m);
    await expect(joinFromPublicPage(m.db, join("prg_missing", "x@example.test"))).rejects.toMatchObject({ code: "not_found" });
    expect(await joinProgram({ ...join(program.id, "y@example.test"), consent: false as unknown as true })).toMatchObject({ ok: false, code: "invalid" });
  });
});

describe("the team invitation email", () => {
  it("escapes the business name, and the stored copy keeps no invitation link", async () => {
    const m = await makeMerchant();
    await m.db.update(merchants).set({ name: "<b>Bold</b> & Co" }).where(eq(merchants.id, m.merchantId));
    await actAs(m.db, await makeUser(m, "owner"), m.merchantId);
    const email = `new-${m.merchantId}@example.test`.toLowerCase();
    expect(await inviteMemberAction({ email, role: "marketer" })).toMatchObject({ ok: true });
    const [sent] = await m.db.select().from(emails).where(eq(emails.to, email));
    expect(sent!.html).toContain("&lt;b&gt;Bold&lt;/b&gt; &amp; Co");
    expect(sent!.html).not.toContain("<b>Bold</b>");
    expect(sent!.html).toContain("as marketer");
    // The link carries the invitation token: outside the development outbox the stored copy drops it.
    expect(sent!.html).not.toMatch(/invite=/);
  });
});
