/**
 * Shared by the dashboard and permission tests: a fake signed-in member for the action wrapper,
 * and Next's request-scoped modules replaced by inert stand-ins. Import it before any action.
 */
import { vi } from "vitest";
import type { Db } from "@/db/client";
import type { Role } from "@/db/schema";
import { membershipsOf } from "@/lib/auth/members";

export type FakeIdentity = { userId: string; email: string; merchantId: string | null } | null;

type Holder = { current: FakeIdentity };
const holder = (): Holder => ((globalThis as unknown as { __kcFakeIdentity?: Holder }).__kcFakeIdentity ??= { current: null });

vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {}, updateTag: () => {} }));
vi.mock("next/headers", () => ({
  cookies: async () => ({ get: () => undefined, set: () => {}, delete: () => {} }),
  headers: async () => new Headers({ "x-forwarded-for": "127.0.0.1" }),
}));
vi.mock("@/auth", () => ({ auth: async () => null, signIn: async () => "/sign-in/check-email", signOut: async () => null, googleEnabled: false, handlers: {} }));
vi.mock("@/app/_server/session", async () => {
  const { dbReady } = await import("@/db/client");
  const { membershipsOf: list, pickMembership } = await import("@/lib/auth/members");
  const who = () => ((globalThis as unknown as { __kcFakeIdentity?: { current: FakeIdentity } }).__kcFakeIdentity?.current ?? null);
  const currentUser = async () => {
    const me = who();
    return me ? { id: me.userId, email: me.email, name: null } : null;
  };
  const currentMember = async (source = "dashboard") => {
    const user = await currentUser();
    const me = who();
    if (!user || !me) return { user, member: null };
    const db = await dbReady();
    const all = await list(db, user.id);
    const membership = pickMembership(all, me.merchantId ?? undefined);
    if (!membership) return { user, member: null };
    return {
      user,
      member: { user, membership, memberships: all, role: membership.role, ctx: { db, merchantId: membership.merchantId, actor: { type: "user", id: user.id, role: membership.role }, source } },
    };
  };
  // Account actions get a sign-in that has passed its second factor (tests/integration/two-factor.test.ts runs the real one).
  const currentSignIn = async () => {
    const user = await currentUser();
    return user ? { user, sessionToken: `fake-${user.id}`, sessionId: "fake", pending: false, twoFactor: { totp: false, passkeys: 0, recoveryCodesLeft: 0, enabled: false } } : null;
  };
  return { MERCHANT_COOKIE: "kc_merchant", currentUser, currentMember, currentSignIn, requirePage: async () => { throw new Error("pages are not rendered in these tests"); } };
});

/** Acts as `userId` in `merchantId` for the following action calls. */
export async function actAs(db: Db, user: { id: string; email?: string }, merchantId: string | null): Promise<Role | null> {
  holder().current = { userId: user.id, email: user.email ?? `${user.id}@example.test`, merchantId };
  const all = await membershipsOf(db, user.id);
  return all.find((m) => m.merchantId === merchantId)?.role ?? null;
}

export function signOutFake() {
  holder().current = null;
}
