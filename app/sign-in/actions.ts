"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { signIn } from "@/auth";
import { dbReady } from "@/db/client";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { demoLoginEnabled, demoSession } from "@/lib/auth/demo";
import { appOrigin, env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { limitSignInForm } from "@/lib/auth/sign-in-limits";
import { publicAction } from "../_server/action";
import { clientIp } from "../_server/client-ip";

/** Only paths on this site, so a crafted link cannot send someone elsewhere after sign-in. */
const CallbackUrl = z
  .string()
  .max(500)
  .optional()
  .transform((v) => safeCallbackPath(v));

const MagicLinkInput = z.object({ email: z.email("Enter an email address such as sam@example.com").max(254).toLowerCase(), callbackUrl: CallbackUrl }).strict();

export const requestMagicLink = publicAction("auth.requestMagicLink", { input: MagicLinkInput }, async ({ input }) => {
  await limitSignInForm(input.email, await clientIp());
  const url = await signIn("email", { email: input.email, redirect: false, redirectTo: input.callbackUrl });
  // next-auth answers with its verify-request page when the link went out, and an error page otherwise.
  if (typeof url !== "string" || url.includes("error=") || !/\/verify-request|\/sign-in\/check-email/.test(url)) throw new AppError("unavailable", "We could not send the sign-in email just now. Please try again in a minute.");
  return { email: input.email };
});

export const signInWithGoogle = publicAction("auth.google", { input: z.object({ callbackUrl: CallbackUrl }).strict() }, async ({ input }) => {
  if (!env.AUTH_GOOGLE_ID) throw new AppError("unavailable", "Google sign-in is not set up on this server.");
  await signIn("google", { redirectTo: input.callbackUrl });
  return null;
});

export const signInAsDemoOwner = publicAction("auth.demo", { input: z.object({}).strict() }, async () => {
  if (!demoLoginEnabled()) throw new AppError("forbidden", "The demo sign-in is only available in development.");
  const { sessionToken, expires } = await demoSession(await dbReady());
  const secure = new URL(appOrigin).protocol === "https:";
  (await cookies()).set(`${secure ? "__Secure-" : ""}authjs.session-token`, sessionToken, { httpOnly: true, sameSite: "lax", path: "/", secure, expires });
  redirect("/dashboard");
});
