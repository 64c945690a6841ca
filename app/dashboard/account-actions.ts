"use server";

import { cookies } from "next/headers";
import { z } from "zod";
import { signOut } from "@/auth";
import { AppError } from "@/lib/errors";
import { publicAction, userAction } from "../_server/action";
import { MERCHANT_COOKIE, currentMember } from "../_server/session";

export const signOutAction = publicAction("account.signOut", { input: z.object({}).strict() }, async () => {
  await signOut({ redirectTo: "/sign-in" });
  return null;
});

/** Switches the business a member of several is working on. */
export const switchMerchant = userAction("account.switchMerchant", { input: z.object({ merchantId: z.string().min(1).max(64) }).strict() }, async ({ input }) => {
  const { member } = await currentMember();
  if (!member?.memberships.some((m) => m.merchantId === input.merchantId)) throw new AppError("forbidden", "You are not a member of that business.");
  (await cookies()).set(MERCHANT_COOKIE, input.merchantId, { httpOnly: true, sameSite: "lax", path: "/", maxAge: 365 * 86_400 });
  return { merchantId: input.merchantId };
});
