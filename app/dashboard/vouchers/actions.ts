"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { listCards } from "@/lib/cards/list";
import { AppError } from "@/lib/errors";
import { EntityId } from "@/lib/ids";
import { issueGoodwillVouchers } from "@/lib/vouchers/goodwill";
import { voidVoucher } from "@/lib/vouchers/void";
import { memberAction } from "../../_server/action";

/** The issue form: to a member (their card, or their email in a program) or a segment; a reward or a value in words. */
const IssueForm = z
  .object({
    to: z.enum(["member", "segment"]),
    cardId: EntityId.optional(),
    email: z.string().trim().max(254).optional(),
    programId: EntityId.optional(),
    segmentId: EntityId.optional(),
    rewardId: EntityId.optional(),
    title: z.string().max(80).optional(),
    validDays: z.int().min(1).max(365).optional(),
  })
  .strict();

export const issueVoucherAction = memberAction("vouchers.issue", { input: IssueForm, permission: "vouchers:issue" }, async ({ ctx, input }) => {
  let target: { cardId: string } | { segmentId: string };
  if (input.to === "segment") {
    if (!input.segmentId) throw new AppError("invalid", "Choose a segment.", { errors: [{ path: "segmentId", message: "Choose a segment." }] });
    target = { segmentId: input.segmentId };
  } else if (input.cardId) {
    target = { cardId: input.cardId };
  } else {
    if (!input.email) throw new AppError("invalid", "Enter the member's email.", { errors: [{ path: "email", message: "Enter the member's email." }] });
    if (!input.programId) throw new AppError("invalid", "Choose the program.", { errors: [{ path: "programId", message: "Choose the program." }] });
    const parsed = z.email().safeParse(input.email.toLowerCase());
    if (!parsed.success) throw new AppError("invalid", "Enter a valid email.", { errors: [{ path: "email", message: "Enter a valid email." }] });
    const { data } = await listCards(ctx, { email: parsed.data, programId: input.programId, limit: 1 });
    if (!data[0]) throw new AppError("not_found", "No member with this email has a card in that program.", { errors: [{ path: "email", message: "No card in that program for this email." }] });
    target = { cardId: data[0].id };
  }
  const what = input.rewardId ? { rewardId: input.rewardId } : { title: input.title ?? "" };
  const { vouchers, skipped } = await issueGoodwillVouchers(ctx, { ...target, ...what, ...(input.validDays ? { validDays: input.validDays } : {}) });
  revalidatePath("/dashboard/vouchers");
  return { issued: vouchers.length, skipped, code: vouchers.length === 1 ? vouchers[0]!.code : null };
});

export const voidVoucherAction = memberAction("vouchers.void", { input: z.object({ voucherId: EntityId }).strict(), permission: "vouchers:void" }, async ({ ctx, input }) => {
  const voucher = await voidVoucher(ctx, { voucherId: input.voucherId });
  revalidatePath("/dashboard/vouchers");
  return { status: voucher.status };
});
