import "./dashboard-helpers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { inviteMemberAction, removeMemberAction } from "@/app/dashboard/team/actions";
import { emails, memberships, sessions, users } from "@/db/schema";
import { acceptInvitations } from "@/lib/team/verbs";
import { makeMerchant, makeUser } from "../support/fixtures";
import { actAs } from "./dashboard-helpers";

describe("team", () => {
  it("an invitation is emailed and accepted when that address signs in", async () => {
    const m = await makeMerchant();
    const owner = await makeUser(m, "owner");
    await actAs(m.db, owner, m.merchantId);
    const email = `cashier-${Date.now()}@example.test`;
    expect(await inviteMemberAction({ email: email.toUpperCase(), role: "staff" })).toMatchObject({ ok: true, data: { email } });
    const [sent] = await m.db.select().from(emails).where(eq(emails.to, email));
    // The invitation link carries a credential: it is emailed, never stored.
    expect(sent!.text).toContain("You have been invited");
    expect(sent!.text).not.toContain("/sign-in?invite=");

    const [user] = await m.db.insert(users).values({ email }).returning();
    expect(await acceptInvitations(m.db, { id: user!.id, email })).toBe(1);
    const [membership] = await m.db.select().from(memberships).where(eq(memberships.userId, user!.id));
    expect(membership).toMatchObject({ merchantId: m.merchantId, role: "staff" });
    // Used once: a second sign-in changes nothing.
    expect(await acceptInvitations(m.db, { id: user!.id, email })).toBe(0);
  });

  it("admins cannot hand out the owner role", async () => {
    const m = await makeMerchant();
    const admin = await makeUser(m, "admin");
    await actAs(m.db, admin, m.merchantId);
    expect(await inviteMemberAction({ email: "boss@example.test", role: "owner" })).toMatchObject({ ok: false, code: "forbidden" });
  });

  it("removing a member ends all their sessions at once", async () => {
    const m = await makeMerchant();
    const owner = await makeUser(m, "owner");
    const cashier = await makeUser(m, "staff");
    await m.db.insert(sessions).values([
      { sessionToken: `s1-${cashier.id}`, userId: cashier.id, expires: new Date(Date.now() + 86_400_000) },
      { sessionToken: `s2-${cashier.id}`, userId: cashier.id, expires: new Date(Date.now() + 86_400_000) },
    ]);
    await actAs(m.db, owner, m.merchantId);
    expect(await removeMemberAction({ userId: cashier.id })).toMatchObject({ ok: true });
    expect(await m.db.select().from(sessions).where(eq(sessions.userId, cashier.id))).toHaveLength(0);
    expect(await m.db.select().from(memberships).where(eq(memberships.userId, cashier.id))).toHaveLength(0);
  });

  it("the last owner cannot be removed, and nobody removes themselves", async () => {
    const m = await makeMerchant();
    const owner = await makeUser(m, "owner");
    const admin = await makeUser(m, "admin");
    await actAs(m.db, admin, m.merchantId);
    expect(await removeMemberAction({ userId: owner.id })).toMatchObject({ ok: false, code: "forbidden" });
    await actAs(m.db, owner, m.merchantId);
    expect(await removeMemberAction({ userId: owner.id })).toMatchObject({ ok: false, code: "conflict" });
  });
});
