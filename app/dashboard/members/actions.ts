"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { CustomerRef, eraseCustomer, exportCustomer } from "@/lib/customers/gdpr";
import { AdjustInput, adjust } from "@/lib/ledger/adjust";
import { memberAction } from "../../_server/action";

export const adjustBalanceAction = memberAction(
  "members.adjust",
  { input: z.object({ cardId: z.string().min(1).max(64), adjustment: AdjustInput }).strict(), permission: "points:adjust" },
  async ({ ctx, input }) => {
    const { card } = await adjust(ctx, { cardId: input.cardId, ...input.adjustment });
    revalidatePath(`/dashboard/members/${card.customerId}`);
    return { balance: card.balance };
  },
);

export const exportMemberAction = memberAction("members.export", { input: CustomerRef, permission: "customers:export" }, async ({ ctx, input }) => {
  return exportCustomer(ctx, input);
});

export const eraseMemberAction = memberAction("members.erase", { input: CustomerRef, permission: "customers:erase" }, async ({ ctx, input }) => {
  await eraseCustomer(ctx, input);
  revalidatePath("/dashboard/members");
  return { erased: true };
});
