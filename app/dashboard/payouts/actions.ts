"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { PayoutSettingsInput, configurePayouts, markPayoutsPaid, requestPayoutRun, rotatePayoutSecret } from "@/lib/payouts/runs";
import { memberAction } from "../../_server/action";

const id = z.string().min(1).max(64);

export const configurePayoutsAction = memberAction("payouts.configure", { input: PayoutSettingsInput, permission: "payouts:manage" }, async ({ ctx, input }) => {
  const settings = await configurePayouts(ctx, input);
  revalidatePath("/dashboard/payouts");
  // newSecret is set only when the signing secret is made: the one time it leaves the server.
  return { programId: settings.programId, provider: settings.provider, newSecret: settings.newSecret };
});

export const rotatePayoutSecretAction = memberAction("payouts.rotateSecret", { input: z.object({ programId: id }).strict(), permission: "payouts:manage" }, async ({ ctx, input }) => {
  const { secret } = await rotatePayoutSecret(ctx, input.programId);
  return { newSecret: secret };
});

export const payNowAction = memberAction("payouts.payNow", { input: z.object({ programId: id }).strict(), permission: "payouts:manage" }, async ({ ctx, input }) => {
  const { run } = await requestPayoutRun(ctx, { programId: input.programId });
  revalidatePath("/dashboard/payouts");
  return { runId: run.id };
});

export const markPaidAction = memberAction(
  "payouts.markPaid",
  { input: z.object({ runId: id, payoutIds: z.array(id).min(1).max(10_000).optional() }).strict(), permission: "payouts:manage" },
  async ({ ctx, input }) => {
    const result = await markPayoutsPaid(ctx, input);
    revalidatePath("/dashboard/payouts");
    return result;
  },
);
