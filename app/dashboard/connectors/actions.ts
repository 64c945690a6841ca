"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { Provider, SaveConnectorInput, saveConnector, sendTestEvent } from "@/lib/integrations/connectors";
import { RefundPolicyInput, setRefundPolicy } from "@/lib/programs/refund-policy";
import { memberAction } from "../../_server/action";

export const saveConnectorAction = memberAction("connectors.save", { input: SaveConnectorInput, permission: "connectors:manage" }, async ({ ctx, input }) => {
  const connector = await saveConnector(ctx, input);
  revalidatePath(`/dashboard/connectors/${input.provider}`);
  return { id: connector.id, webhookUrl: connector.webhookUrl, hasSecret: connector.hasSecret };
});

export const sendTestEventAction = memberAction("connectors.test", { input: z.object({ provider: Provider }).strict(), permission: "connectors:manage" }, async ({ ctx, input }) => {
  const received = await sendTestEvent(ctx, input);
  revalidatePath(`/dashboard/connectors/${input.provider}`);
  return { outcome: received.outcome, message: received.message, status: received.status };
});

export const setRefundPolicyAction = memberAction(
  "connectors.refundPolicy",
  { input: RefundPolicyInput.extend({ provider: Provider }), permission: "programs:write" },
  async ({ ctx, input }) => {
    const program = await setRefundPolicy(ctx, { programId: input.programId, refundsMayGoNegative: input.refundsMayGoNegative });
    revalidatePath(`/dashboard/connectors/${input.provider}`);
    return { refundsMayGoNegative: program.refundsMayGoNegative };
  },
);
