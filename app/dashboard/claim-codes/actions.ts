"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createClaimBatch } from "@/lib/claims/batches";
import { AppError } from "@/lib/errors";
import { EntityId } from "@/lib/ids";
import { parseAmount } from "@/lib/money";
import { getProgram } from "@/lib/programs/verbs";
import { memberAction } from "../../_server/action";

/** The batch form: the value as typed (points, or money in the program's currency for cashback). */
const BatchForm = z
  .object({
    programId: EntityId,
    name: z.string().max(80),
    value: z.string().max(30),
    quantity: z.int(),
    expiresOn: z.string().max(10).optional(),
  })
  .strict();

export const createClaimBatchAction = memberAction("claimCodes.create", { input: BatchForm, permission: "claim_codes:manage" }, async ({ ctx, input }) => {
  const program = await getProgram(ctx, input.programId);
  const value = program.kind === "cashback" ? parseAmount(input.value, program.currency) : /^\d+$/.test(input.value.trim()) ? Number(input.value.trim()) : null;
  if (value === null || value < 1) {
    const message = program.kind === "cashback" ? `An amount in ${program.currency}, like 2.50.` : "A whole number of points, like 50.";
    throw new AppError("invalid", message, { errors: [{ path: "value", message }] });
  }
  const batch = await createClaimBatch(ctx, { programId: program.id, name: input.name, value, quantity: input.quantity, ...(input.expiresOn ? { expiresOn: input.expiresOn } : {}) });
  revalidatePath("/dashboard/claim-codes");
  return { batchId: batch.id };
});
