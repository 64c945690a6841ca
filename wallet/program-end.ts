import type { Program } from "../db/schema";

/**
 * When a card's passes expire: the program's end date, or, for a program closed (archived) without
 * one, the moment it was closed. Null while the program runs on.
 */
export function programExpiry(program: Pick<Program, "endsAt" | "status" | "updatedAt">): Date | null {
  if (program.endsAt) return program.endsAt;
  return program.status === "archived" ? program.updatedAt : null;
}
