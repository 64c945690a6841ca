import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "@/auth";
import { dbReady } from "@/db/client";
import type { Role } from "@/db/schema";
import type { Ctx } from "@/lib/context";
import { membershipsOf, pickMembership, type Membership, type SessionUser } from "@/lib/auth/members";
import { pageAccess, type PageRoute } from "@/lib/auth/routes";
import { resolveSignIn, type SignIn } from "@/lib/auth/sessions";

/** The cookie that remembers which business a member of several is working on. */
export const MERCHANT_COOKIE = "kc_merchant";

export type Member = {
  user: SessionUser;
  membership: Membership;
  memberships: Membership[];
  role: Role;
  ctx: Ctx;
};

/** Auth.js's session cookie: `__Secure-` on https, plain on http (development, tests). */
export const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

/** Where a session waiting for its second factor is sent, and where members set one up. */
export const TWO_FACTOR_PATH = "/sign-in/two-factor";
export const SECURITY_PATH = "/account/security";

/**
 * This request's sign-in, pending second factor or not, or null. Auth.js checks the session; the
 * row itself (its second factor, device, last seen) is read by its token. Cached per request.
 */
export const currentSignIn = cache(async (): Promise<SignIn | null> => {
  const session = await auth();
  if (!(session?.user as { id?: string } | undefined)?.id) return null;
  const jar = await cookies();
  const token = SESSION_COOKIES.map((name) => jar.get(name)?.value).find(Boolean);
  if (!token) return null;
  return resolveSignIn(await dbReady(), { sessionToken: token, userAgent: (await headers()).get("user-agent") });
});

/** The signed-in user of this request once past their second factor, or null. Cached per request. */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const signIn = await currentSignIn();
  return signIn && !signIn.pending ? signIn.user : null;
});

/**
 * The signed-in user with the business they are working on, read fresh from the database on every
 * request: a removed member or a changed role takes effect on their very next click. No member
 * while the sign-in waits for its second factor (`pending`), or while the business requires one the
 * user has not set up (`mustEnrol`).
 */
export const currentMember = cache(
  async (source = "dashboard"): Promise<{ user: SessionUser | null; member: Member | null; pending?: boolean; mustEnrol?: boolean }> => {
    const signIn = await currentSignIn();
    if (!signIn) return { user: null, member: null };
    if (signIn.pending) return { user: null, member: null, pending: true };
    const user = signIn.user;
    const db = await dbReady();
    const all = await membershipsOf(db, user.id);
    const preferred = (await cookies()).get(MERCHANT_COOKIE)?.value;
    const membership = pickMembership(all, preferred);
    if (!membership) return { user, member: null };
    if (membership.requireTwoFactor && !signIn.twoFactor.enabled) return { user, member: null, mustEnrol: true };
    return {
      user,
      member: {
        user,
        membership,
        memberships: all,
        role: membership.role,
        ctx: { db, merchantId: membership.merchantId, actor: { type: "user", id: user.id, role: membership.role }, source },
      },
    };
  },
);

/** Sends a sign-in that is waiting for its second factor, or must set one up, where it can. */
export function redirectForSecondFactor(state: { pending?: boolean; mustEnrol?: boolean }, back: string): void {
  if (state.pending) redirect(`${TWO_FACTOR_PATH}?callbackUrl=${encodeURIComponent(back)}`);
  if (state.mustEnrol) redirect(`${SECURITY_PATH}?required=1`);
}

/** Guards a page: signs in, onboards, sends staff to the scanner, or refuses, per the permission table. */
export async function requirePage(route: PageRoute): Promise<Member> {
  const state = await currentMember(route === "/staff" ? "scanner" : "dashboard");
  const back = route.includes("[") ? "/dashboard" : route;
  redirectForSecondFactor(state, back);
  const { user, member } = state;
  const access = pageAccess(Boolean(user), member?.role ?? null, route);
  switch (access.kind) {
    case "ok":
      return member!;
    case "sign-in":
      redirect(`/sign-in?callbackUrl=${encodeURIComponent(back)}`);
    case "onboarding":
      redirect("/onboarding");
    case "scanner":
      redirect("/staff");
    case "denied":
      redirect(`/no-access?need=${encodeURIComponent(access.permission)}`);
  }
}
