import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { cards, customers, customerTags } from "../../db/schema";
import { audit } from "../audit/log";
import { assertCan } from "../auth/permissions";
import { withTransaction, type Ctx } from "../context";
import { AppError } from "../errors";
import { normalizeCode } from "../ids";
import { hasControlChars } from "../input";
import { Tag } from "./schema";

/*
 * Customer tags from a CSV: one row per customer, the customer's email or member code (the code
 * under the card's QR) first, then their tags (separated by ; or |, or in further columns). A header
 * row is recognised and skipped. Rows that check out are applied; every other row is reported with
 * its line number and the reason, and changes nothing.
 */

export const MAX_CSV_BYTES = 1_000_000;
export const MAX_CSV_ROWS = 10_000;

export const ImportTagsInput = z
  .object({
    csv: z.string().min(1, "the file is empty").max(MAX_CSV_BYTES, "the file is larger than 1 MB"),
    mode: z.enum(["add", "replace"]).default("add").describe("add: keep a customer's other tags; replace: the file's tags become their only tags."),
  })
  .strict();

export type TagImportError = { line: number; value: string; message: string };
export type TagImportReport = { rows: number; applied: number; customers: number; tagsAdded: number; tagsRemoved: number; errors: TagImportError[] };

/** RFC 4180 fields: commas (or semicolons when the file uses them), double quotes with "" inside, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const body = text.replace(/^\uFEFF/, "");
  const firstLine = body.split(/\r?\n/, 1)[0] ?? "";
  const delimiter = !firstLine.includes(",") && firstLine.includes("\t") ? "\t" : ",";
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && body[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const HEADER = /^(email|e-mail|member[ _-]?code|code|customer|identifier|id)$/i;

type Parsed = { line: number; value: string; kind: "email" | "code"; key: string; tags: string[] };

/** Imports tags from a CSV (see above); returns what it did and a per-row error report. */
export async function importTags(ctx: Ctx, raw: z.input<typeof ImportTagsInput>): Promise<TagImportReport> {
  assertCan(ctx.actor, "segments:write");
  const { csv, mode } = ImportTagsInput.parse(raw);
  const rows = parseCsv(csv);
  const errors: TagImportError[] = [];
  const parsed: Parsed[] = [];
  let counted = 0;
  rows.forEach((cells, index) => {
    const line = index + 1;
    const value = (cells[0] ?? "").trim();
    if (cells.every((c) => c.trim() === "")) return; // blank line
    if (index === 0 && HEADER.test(value)) return;
    counted++;
    if (counted > MAX_CSV_ROWS) {
      if (counted === MAX_CSV_ROWS + 1) errors.push({ line, value, message: `only the first ${MAX_CSV_ROWS.toLocaleString("en")} rows are read` });
      return;
    }
    if (!value) return void errors.push({ line, value, message: "the first column must hold an email or a member code" });
    if (hasControlChars(value)) return void errors.push({ line, value: "", message: "the first column has control characters" });
    const kind = value.includes("@") ? "email" : "code";
    if (kind === "email" && !z.email().safeParse(value).success) return void errors.push({ line, value, message: "not a valid email address" });
    const key = kind === "email" ? value.toLowerCase() : normalizeCode(value);
    if (kind === "code" && key.replace(/-/g, "").length < 6) return void errors.push({ line, value, message: "not an email or a member code (member codes look like K7QM-3XPA)" });
    const words = cells
      .slice(1)
      .flatMap((c) => c.split(/[;|]/))
      .map((t) => t.trim())
      .filter(Boolean);
    if (words.length === 0) return void errors.push({ line, value, message: "no tags on this row" });
    const tags: string[] = [];
    for (const word of words) {
      const tag = Tag.safeParse(word);
      if (!tag.success) return void errors.push({ line, value, message: `tag “${word.slice(0, 60)}”: ${tag.error.issues[0]!.message}` });
      tags.push(tag.data);
    }
    if (tags.length > 20) return void errors.push({ line, value, message: "more than 20 tags on one row" });
    parsed.push({ line, value, kind, key, tags: [...new Set(tags)] });
  });
  if (counted === 0 && errors.length === 0) throw new AppError("invalid", "The file has no rows.", { errors: [{ path: "csv", message: "the file has no rows" }] });

  return withTransaction(ctx, async (tx) => {
    const emails = [...new Set(parsed.filter((p) => p.kind === "email").map((p) => p.key))];
    const codes = [...new Set(parsed.filter((p) => p.kind === "code").map((p) => p.key))];
    const byEmail = new Map<string, string>();
    const byCode = new Map<string, string>();
    for (let i = 0; i < emails.length; i += 1000) {
      const found = await tx.db
        .select({ id: customers.id, email: customers.email })
        .from(customers)
        .where(and(eq(customers.merchantId, ctx.merchantId), inArray(customers.email, emails.slice(i, i + 1000)), sql`${customers.erasedAt} is null`));
      for (const c of found) byEmail.set(c.email, c.id);
    }
    for (let i = 0; i < codes.length; i += 1000) {
      const found = await tx.db
        .select({ customerId: cards.customerId, code: cards.referralCode })
        .from(cards)
        .innerJoin(customers, eq(customers.id, cards.customerId))
        .where(and(eq(cards.merchantId, ctx.merchantId), inArray(cards.referralCode, codes.slice(i, i + 1000)), sql`${customers.erasedAt} is null`));
      for (const c of found) byCode.set(c.code, c.customerId);
    }
    // A customer named on several rows gets the union of their tags.
    const wanted = new Map<string, Set<string>>();
    let applied = 0;
    for (const p of parsed) {
      const customerId = (p.kind === "email" ? byEmail : byCode).get(p.key);
      if (!customerId) {
        errors.push({ line: p.line, value: p.value, message: p.kind === "email" ? "no member with this email" : "no member with this member code" });
        continue;
      }
      applied++;
      const set = wanted.get(customerId) ?? new Set<string>();
      for (const t of p.tags) set.add(t);
      wanted.set(customerId, set);
    }
    errors.sort((a, b) => a.line - b.line);
    if (applied === 0) {
      // Nothing to apply: an error, with the first reasons, rather than a quiet "0 imported".
      const reasons = errors.slice(0, 5).map((e) => `line ${e.line}${e.value ? ` (${e.value.slice(0, 60)})` : ""}: ${e.message}`);
      const message = `No row could be imported. ${reasons.join("; ")}${errors.length > 5 ? `; and ${errors.length - 5} more` : ""}.`;
      throw new AppError("invalid", message, { errors: [{ path: "csv", message }] });
    }
    const ids = [...wanted.keys()];
    const before = new Set<string>();
    for (let i = 0; i < ids.length; i += 1000) {
      const rows = await tx.db
        .select({ customerId: customerTags.customerId, tag: customerTags.tag })
        .from(customerTags)
        .where(and(eq(customerTags.merchantId, ctx.merchantId), inArray(customerTags.customerId, ids.slice(i, i + 1000))));
      for (const r of rows) before.add(`${r.customerId}\u0000${r.tag}`);
    }
    const pairs = [...wanted].flatMap(([customerId, tags]) => [...tags].map((tag) => ({ merchantId: ctx.merchantId, customerId, tag })));
    const after = new Set(pairs.map((p) => `${p.customerId}\u0000${p.tag}`));
    let tagsRemoved = 0;
    if (mode === "replace") {
      // The file's tags become the customer's only ones: drop the others.
      for (const key of before) {
        if (after.has(key)) continue;
        const [customerId, tag] = key.split("\u0000") as [string, string];
        await tx.db.delete(customerTags).where(and(eq(customerTags.merchantId, ctx.merchantId), eq(customerTags.customerId, customerId), eq(customerTags.tag, tag)));
        tagsRemoved++;
      }
    }
    const fresh = pairs.filter((p) => !before.has(`${p.customerId}\u0000${p.tag}`));
    for (let i = 0; i < fresh.length; i += 1000) await tx.db.insert(customerTags).values(fresh.slice(i, i + 1000)).onConflictDoNothing();
    await audit(tx.db, ctx.merchantId, ctx.actor, "tags.imported", { type: "merchant", id: ctx.merchantId }, { rows: counted, applied, errors: errors.length, mode });
    return { rows: counted, applied, customers: ids.length, tagsAdded: fresh.length, tagsRemoved, errors };
  });
}

/** Tags in use at the business, with how many customers carry each: the builder's suggestions. */
export async function listTags(ctx: Ctx): Promise<{ tag: string; customers: number }[]> {
  assertCan(ctx.actor, "campaigns:read");
  const rows = await ctx.db
    .select({ tag: customerTags.tag, customers: sql<number>`count(*)::int` })
    .from(customerTags)
    .where(eq(customerTags.merchantId, ctx.merchantId))
    .groupBy(customerTags.tag)
    .orderBy(asc(customerTags.tag));
  return rows.map((r) => ({ tag: r.tag, customers: Number(r.customers) }));
}
