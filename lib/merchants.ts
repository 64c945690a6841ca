import { eq } from "drizzle-orm";
import { merchants, type Merchant } from "../db/schema";
import type { Ctx } from "./context";
import { notFound } from "./errors";

export async function merchantOf(ctx: Ctx): Promise<Merchant> {
  const [merchant] = await ctx.db.select().from(merchants).where(eq(merchants.id, ctx.merchantId));
  if (!merchant) throw notFound("Merchant");
  return merchant;
}
