"use server";

import { z } from "zod";
import { dbReady } from "@/db/client";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { SecondFactorCode, verifySecondFactor } from "@/lib/auth/two-factor";
import { accountAction } from "../../_server/action";

/** The second step of signing in: a code from the authenticator app, or a recovery code. */
export const verifySecondFactorAction = accountAction(
  "auth.verifySecondFactor",
  { input: z.object({ code: SecondFactorCode, callbackUrl: z.string().max(500).optional() }).strict(), secondStep: true },
  async ({ input, signIn }) => {
    const { method } = await verifySecondFactor({ db: await dbReady(), userId: signIn.user.id }, { sessionToken: signIn.sessionToken, code: input.code });
    return { method, redirectTo: safeCallbackPath(input.callbackUrl) };
  },
);
