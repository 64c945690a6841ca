"use server";

import QRCode from "qrcode";
import { z } from "zod";
import { dbReady } from "@/db/client";
import { revokeOtherSessions, revokeSession } from "@/lib/auth/sessions";
import { SecondFactorCode, TotpCode, confirmTotpEnrolment, regenerateRecoveryCodes, removeTotp, startTotpEnrolment } from "@/lib/auth/two-factor";
import { accountAction } from "../../_server/action";

const ISSUER = "Keepcard";
const account = async (userId: string) => ({ db: await dbReady(), userId });

/** A new authenticator-app secret: its QR code (an otpauth:// URI) and the secret to type by hand. */
export const startTotpAction = accountAction("account.startTotp", { input: z.object({}).strict() }, async ({ signIn }) => {
  const { secret, uri } = await startTotpEnrolment(await account(signIn.user.id), ISSUER);
  const qr = await QRCode.toDataURL(uri, { errorCorrectionLevel: "M", margin: 2, width: 224 });
  return { secret, uri, qr };
});

/** Turns TOTP on with a first code; the ten recovery codes are returned here only. */
export const confirmTotpAction = accountAction("account.confirmTotp", { input: z.object({ code: TotpCode }).strict() }, async ({ input, signIn }) => {
  return confirmTotpEnrolment(await account(signIn.user.id), { code: input.code, sessionToken: signIn.sessionToken });
});

export const removeTotpAction = accountAction("account.removeTotp", { input: z.object({ code: SecondFactorCode }).strict() }, async ({ input, signIn }) => {
  await removeTotp(await account(signIn.user.id), { code: input.code });
  return null;
});

export const regenerateRecoveryCodesAction = accountAction("account.regenerateRecoveryCodes", { input: z.object({}).strict() }, async ({ signIn }) => {
  return regenerateRecoveryCodes(await account(signIn.user.id));
});

export const revokeSessionAction = accountAction("account.revokeSession", { input: z.object({ sessionId: z.string().regex(/^[A-Za-z0-9_-]{22}$/) }).strict() }, async ({ input, signIn }) => {
  await revokeSession(await account(signIn.user.id), { sessionId: input.sessionId });
  return null;
});

export const revokeOtherSessionsAction = accountAction("account.revokeOtherSessions", { input: z.object({}).strict() }, async ({ signIn }) => {
  return { ended: await revokeOtherSessions(await account(signIn.user.id), { currentSessionToken: signIn.sessionToken }) };
});
