import { and, asc, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "../../db/client";
import { claimCodeBatches, claimCodes, merchants, programs, type ClaimCodeBatch, type Program } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { zonedToUtc } from "../campaigns/time";
import { now, withTransaction, type Ctx } from "../context";
import { AppError, notFound } from "../errors";
import { EntityId, newId } from "../ids";
import { SafeText } from "../input";
import { formatMoney } from "../money";
import { claimUrl, deriveClaimCode, hashClaimCode } from "./codes";

/** The most codes one batch may hold (a sheet of 24 labels a page: 84 pages). */
export const MAX_BATCH_SIZE = 2000;

export const CreateClaimBatchInput = z
  .object({
    programId: EntityId,
    name: SafeText.trim().min(1, "Give the batch a name.").max(80),
    value: z.int().min(1, "At least 1.").max(1_000_000).describe("What each code gives, in the program's unit: points, or minor units of its currency for cashback."),
    quantity: z.int().min(1, "At least one code.").max(MAX_BATCH_SIZE, `At most ${MAX_BATCH_SIZE} codes a batch.`),
    expiresOn: z.iso.date("a date like 2026-12-31").optional().describe("The last day the codes can be claimed (in the business's time zone)."),
  })
  .strict();
export type CreateClaimBatchInput = z.input<typeof CreateClaimBatchInput>;

/**
 * Makes a batch of single-use codes for a points or cashback program. Only each code's hash is
 * stored; the codes are derived again from the batch when the sheet or CSV is downloaded.
 */
export async function createClaimBatch(ctx: Ctx, raw: CreateClaimBatchInput): Promise<ClaimCodeBatch> {
  assertCan(ctx.actor, "claim_codes:manage");
  const input = CreateClaimBatchInput.parse(raw);
  return withTransaction(ctx, async (tx) => {
    const [found] = await tx.db
      .select({ program: programs, timezone: merchants.timezone })
      .from(programs)
      .innerJoin(merchants, eq(merchants.id, programs.merchantId))
      .where(and(eq(programs.id, input.programId), eq(programs.merchantId, tx.merchantId)));
    if (!found) throw notFound("Program");
    if (found.program.kind === "stamps") {
      throw new AppError("invalid", "Claim codes give points or cashback; this is a stamp card.", { errors: [{ path: "programId", message: "a points or cashback program" }] });
    }
    let expiresAt: Date | null = null;
    if (input.expiresOn) {
      // Through the whole last day, where the business is.
      const next = new Date(Date.parse(`${input.expiresOn}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      expiresAt = zonedToUtc(`${next}T00:00`, found.timezone);
      if (expiresAt <= now(tx)) throw new AppError("invalid", "The last day to claim must be today or later.", { errors: [{ path: "expiresOn", message: "today or later" }] });
    }
    const [batch] = await tx.db
      .insert(claimCodeBatches)
      .values({ id: newId("ccb"), merchantId: tx.merchantId, programId: found.program.id, name: input.name, value: input.value, quantity: input.quantity, expiresAt, createdBy: tx.actor.id, createdAt: now(tx) })
      .returning();
    const rows = Array.from({ length: input.quantity }, (_, position) => ({
      id: newId("ccd"),
      batchId: batch!.id,
      merchantId: tx.merchantId,
      position,
      codeHash: hashClaimCode(deriveClaimCode(batch!.id, position)),
    }));
    for (let i = 0; i < rows.length; i += 500) await tx.db.insert(claimCodes).values(rows.slice(i, i + 500));
    await audit(tx.db, tx.merchantId, tx.actor, "claim_batch.created", { type: "claim_code_batch", id: batch!.id }, { name: input.name, value: input.value, quantity: input.quantity, programId: found.program.id });
    return batch!;
  });
}

export type BatchSummary = {
  batch: ClaimCodeBatch;
  program: Pick<Program, "id" | "name" | "kind" | "currency">;
  claimed: number;
  unclaimed: number;
  /** Codes left unclaimed when the batch expired (0 while it runs). */
  expired: number;
  /** Points (or minor units of cashback) given by claims so far. */
  given: number;
};

const summarySelect = {
  batch: claimCodeBatches,
  program: { id: programs.id, name: programs.name, kind: programs.kind, currency: programs.currency },
  claimed: sql<number>`(select count(*)::int from ${claimCodes} where ${claimCodes.batchId} = ${claimCodeBatches.id} and ${claimCodes.claimedAt} is not null)`,
};

function summarize(row: { batch: ClaimCodeBatch; program: BatchSummary["program"]; claimed: number }, at: Date): BatchSummary {
  const claimed = Number(row.claimed);
  const left = row.batch.quantity - claimed;
  const over = row.batch.expiresAt !== null && row.batch.expiresAt <= at;
  return { batch: row.batch, program: row.program, claimed, unclaimed: over ? 0 : left, expired: over ? left : 0, given: claimed * row.batch.value };
}

/** The business's batches, newest first, with how many codes were claimed. */
export async function listClaimBatches(ctx: Ctx): Promise<BatchSummary[]> {
  assertCan(ctx.actor, "claim_codes:manage");
  const rows = await ctx.db
    .select(summarySelect)
    .from(claimCodeBatches)
    .innerJoin(programs, eq(programs.id, claimCodeBatches.programId))
    .where(eq(claimCodeBatches.merchantId, ctx.merchantId))
    .orderBy(desc(claimCodeBatches.createdAt), desc(claimCodeBatches.id))
    .limit(200);
  const at = now(ctx);
  return rows.map((r) => summarize(r, at));
}

export type BatchResults = BatchSummary & { timezone: string; days: { date: string; claims: number; given: number }[] };

/** One batch: its counts, and claims per day (in the business's time zone) from its first day to today or its end. */
export async function claimBatchResults(ctx: Ctx, batchId: string): Promise<BatchResults> {
  assertCan(ctx.actor, "claim_codes:manage");
  const [row] = await ctx.db
    .select({ ...summarySelect, timezone: merchants.timezone })
    .from(claimCodeBatches)
    .innerJoin(programs, eq(programs.id, claimCodeBatches.programId))
    .innerJoin(merchants, eq(merchants.id, claimCodeBatches.merchantId))
    .where(and(eq(claimCodeBatches.id, batchId), eq(claimCodeBatches.merchantId, ctx.merchantId)));
  if (!row) throw notFound("Batch");
  const at = now(ctx);
  const perDay = await queryRows<{ day: string; claims: number }>(
    ctx.db,
    sql`select to_char(${claimCodes.claimedAt} at time zone ${row.timezone}, 'YYYY-MM-DD') as day, count(*)::int as claims
        from ${claimCodes} where ${claimCodes.batchId} = ${batchId} and ${claimCodes.claimedAt} is not null group by 1 order by 1`,
  );
  const byDay = new Map(perDay.map((d) => [d.day, Number(d.claims)]));
  const local = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: row.timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
  const first = local(row.batch.createdAt);
  const end = row.batch.expiresAt && row.batch.expiresAt < at ? new Date(row.batch.expiresAt.getTime() - 1) : at;
  const last = local(end);
  const days: BatchResults["days"] = [];
  // At most 120 days drawn: the latest ones.
  for (let d = first, n = 0; d <= last && n < 1000; n++) {
    days.push({ date: d, claims: byDay.get(d) ?? 0, given: (byDay.get(d) ?? 0) * row.batch.value });
    d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  }
  return { ...summarize(row, at), timezone: row.timezone, days: days.slice(-120) };
}

export type PrintableCode = { position: number; code: string; url: string; claimedAt: Date | null };

/**
 * A batch's codes, derived again from the batch with the server key, in print order. When the key
 * changed since the batch was made, the derived codes no longer match their stored hashes: printing
 * is refused (the codes already printed still work).
 */
export async function claimBatchCodes(ctx: Ctx, batchId: string): Promise<{ batch: ClaimCodeBatch; program: Program; merchantName: string; timezone: string; codes: PrintableCode[] }> {
  assertCan(ctx.actor, "claim_codes:manage");
  const [found] = await ctx.db
    .select({ batch: claimCodeBatches, program: programs, merchantName: merchants.name, timezone: merchants.timezone })
    .from(claimCodeBatches)
    .innerJoin(programs, eq(programs.id, claimCodeBatches.programId))
    .innerJoin(merchants, eq(merchants.id, claimCodeBatches.merchantId))
    .where(and(eq(claimCodeBatches.id, batchId), eq(claimCodeBatches.merchantId, ctx.merchantId)));
  if (!found) throw notFound("Batch");
  const rows = await ctx.db
    .select({ position: claimCodes.position, codeHash: claimCodes.codeHash, claimedAt: claimCodes.claimedAt })
    .from(claimCodes)
    .where(eq(claimCodes.batchId, batchId))
    .orderBy(asc(claimCodes.position));
  const codes = rows.map((r) => {
    const code = deriveClaimCode(batchId, r.position);
    if (hashClaimCode(code) !== r.codeHash) {
      throw new AppError("conflict", "These codes were made with an earlier signing key and cannot be printed again. The codes already printed still work.");
    }
    return { position: r.position, code, url: claimUrl(code), claimedAt: r.claimedAt };
  });
  return { ...found, codes };
}

/** A value as a customer reads it on a label or the dashboard: "150 points" or "$2.50". */
export function claimValueLabel(program: Pick<Program, "kind" | "currency">, value: number, locale = "en-US"): string {
  return program.kind === "cashback" ? formatMoney(value, program.currency, locale) : `${value.toLocaleString(locale)} points`;
}

const csvCell = (v: string) => (/[",\r\n]/.test(v) || /^[=+\-@\t]/.test(v) ? `"${(/^[=+\-@\t]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"` : v);

/** The codes as CSV, one a line: for a print shop or a mail merge. */
export async function claimBatchCsv(ctx: Ctx, batchId: string): Promise<{ filename: string; csv: string }> {
  const { batch, program, codes } = await claimBatchCodes(ctx, batchId);
  const at = now(ctx);
  const expired = batch.expiresAt !== null && batch.expiresAt <= at;
  const lines = [["number", "code", "url", "value", "status", "claimed_at", "expires_at"].join(",")];
  for (const c of codes) {
    const status = c.claimedAt ? "claimed" : expired ? "expired" : "unclaimed";
    lines.push(
      [String(c.position + 1), c.code, c.url, claimValueLabel(program, batch.value), status, c.claimedAt?.toISOString() ?? "", batch.expiresAt?.toISOString() ?? ""].map(csvCell).join(","),
    );
  }
  return { filename: `claim-codes-${batch.id}.csv`, csv: `${lines.join("\r\n")}\r\n` };
}
