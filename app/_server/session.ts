import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "@/auth";
import { dbReady } from "@/db/client";
import type { Role } from "@/db/schema";
import type { Ctx } from "@/lib/context";
import { membershipsOf, pickMembership, type Membership, type SessionUser } from "@/lib/auth/members";
import { pageAccess, type PageRoute } from "@/lib/auth/routes";

/** The cookie that remembers which business a member of several is working on. */
export const MERCHANT_COOKIE = "kc_merchant";

export type Member = {
  user: SessionUser;
  membership: Membership;
  memberships: Membership[];
  role: Role;
  ctx: Ctx;
};

/** The signed-in user of this request, or null. Cached per request. */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  return { id, email: session?.user?.email ?? null, name: session?.user?.name ?? null };
});

/**
 * The signed-in user with the business they are working on, read fresh from the database on every
 * request: a removed member or a changed role takes effect on their very next click.
 */
export const currentMember = cache(async (source = "dashboard"): Promise<{ user: SessionUser | null; member: Member | null }> => {
  const user = await currentUser();
  if (!user) return { user: null, member: null };
  const db = await dbReady();
  const all = await membershipsOf(db, user.id);
  const preferred = (await cookies()).get(MERCHANT_COOKIE)?.value;
  const membership = pickMembership(all, preferred);
  if (!membership) return { user, member: null };
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
});

/** Guards a page: signs in, onboards, sends staff to the scanner, or refuses, per the permission table. */
export async function requirePage(route: PageRoute): Promise<Member> {
  const { user, member } = await currentMember(route === "/staff" ? "scanner" : "dashboard");
  const access = pageAccess(Boolean(user), member?.role ?? null, route);
  switch (access.kind) {
    case "ok":
      return member!;
    case "sign-in":
      redirect(`/sign-in?callbackUrl=${encodeURIComponent(route.includes("[") ? "/dashboard" : route)}`);
    case "onboarding":
      redirect("/onboarding");
    case "scanner":
      redirect("/staff");
    case "denied":
      redirect(`/no-access?need=${encodeURIComponent(access.permission)}`);
  }
}
