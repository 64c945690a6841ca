import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { assertCan, type Permission } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/members";
import type { ActionResult } from "@/lib/action-result";
import { AppError, isAppError, zodFieldErrors } from "@/lib/errors";
import type { SignIn } from "@/lib/auth/sessions";
import { currentMember, currentSignIn, currentUser, type Member } from "./session";

type Kind = "public" | "user" | "account" | "member";
export type RegisteredAction = { name: string; kind: Kind; permission: Permission | null; run: (input: unknown) => Promise<ActionResult<unknown>> };

const globalForActions = globalThis as unknown as { __keepcardActions?: Map<string, RegisteredAction> };
/** Every action made with the wrappers below, by name: the permission-matrix test walks this. */
export const ACTIONS = (globalForActions.__keepcardActions ??= new Map());

const GENERIC = "Something went wrong on our side. Please try again in a moment.";

function toResult(error: unknown): ActionResult<never> {
  unstable_rethrow(error); // redirect() and notFound() are control flow, not failures
  if (error instanceof z.ZodError) error = new AppError("invalid", "Please check the highlighted fields.", { errors: zodFieldErrors(error.issues) });
  if (isAppError(error)) {
    const fieldErrors = error.errors?.length ? Object.fromEntries(error.errors.map((e) => [e.path, e.message])) : undefined;
    // Another business's code reads like any unknown code, but the cashier still learns why.
    return { ok: false, code: error.code, error: error.message, ...(fieldErrors ? { fieldErrors } : {}) };
  }
  console.error("[action] unexpected error", error);
  return { ok: false, code: "internal", error: GENERIC };
}

function register(name: string, kind: Kind, permission: Permission | null, run: RegisteredAction["run"]) {
  ACTIONS.set(name, { name, kind, permission, run });
}

/** An action anyone may call (sign-in): validated input, mapped errors. */
export function publicAction<S extends z.ZodType, T>(name: string, opts: { input: S }, handler: (args: { input: z.output<S> }) => Promise<T>) {
  const run = async (raw: z.input<S>): Promise<ActionResult<T>> => {
    try {
      const input = opts.input.parse(raw);
      return { ok: true, data: await handler({ input }) };
    } catch (error) {
      return toResult(error);
    }
  };
  register(name, "public", null, run as RegisteredAction["run"]);
  return run;
}

/** An action for any signed-in user, member of a business or not (onboarding). */
export function userAction<S extends z.ZodType, T>(name: string, opts: { input: S }, handler: (args: { input: z.output<S>; user: SessionUser }) => Promise<T>) {
  const run = async (raw: z.input<S>): Promise<ActionResult<T>> => {
    try {
      const user = await currentUser();
      if (!user) throw new AppError("unauthorized", "Your session has ended. Sign in again to continue.");
      const input = opts.input.parse(raw);
      return { ok: true, data: await handler({ input, user }) };
    } catch (error) {
      return toResult(error);
    }
  };
  register(name, "user", null, run as RegisteredAction["run"]);
  return run;
}

/**
 * An action on the signed-in user's own account (second factors, sessions). The handler gets the
 * sign-in, with its session token. Only `secondStep` actions (entering the code) accept a sign-in
 * still waiting for its second factor; every other one refuses it.
 */
export function accountAction<S extends z.ZodType, T>(
  name: string,
  opts: { input: S; secondStep?: boolean },
  handler: (args: { input: z.output<S>; signIn: SignIn }) => Promise<T>,
) {
  const run = async (raw: z.input<S>): Promise<ActionResult<T>> => {
    try {
      const signIn = await currentSignIn();
      if (!signIn) throw new AppError("unauthorized", "Your session has ended. Sign in again to continue.");
      if (opts.secondStep ? !signIn.pending : signIn.pending) {
        throw new AppError(signIn.pending ? "unauthorized" : "conflict", signIn.pending ? "Finish signing in: enter your second factor first." : "This sign-in needs no second step.");
      }
      const input = opts.input.parse(raw);
      return { ok: true, data: await handler({ input, signIn }) };
    } catch (error) {
      return toResult(error);
    }
  };
  register(name, "account", null, run as RegisteredAction["run"]);
  return run;
}

/**
 * The action wrapper for a business's data: session, membership, the permission from the one
 * table, then zod. The handler gets a `ctx` for the member's business and calls domain verbs.
 */
export function memberAction<S extends z.ZodType, T>(
  name: string,
  opts: { input: S; permission: Permission; source?: string },
  handler: (args: { input: z.output<S>; ctx: Member["ctx"]; member: Member }) => Promise<T>,
) {
  const run = async (raw: z.input<S>): Promise<ActionResult<T>> => {
    try {
      const { user, member, pending, mustEnrol } = await currentMember(opts.source ?? "dashboard");
      // Fail closed: a sign-in waiting for its second factor, or without the one its business requires, acts on nothing.
      if (pending) throw new AppError("unauthorized", "Finish signing in: enter your second factor first.");
      if (mustEnrol) throw new AppError("forbidden", "Your business requires two-factor sign-in. Set it up on your security page first.");
      if (!user) throw new AppError("unauthorized", "Your session has ended. Sign in again to continue.");
      if (!member) throw new AppError("forbidden", "You are not a member of this business any more.");
      assertCan(member.ctx.actor, opts.permission);
      const input = opts.input.parse(raw);
      const ctx = opts.source ? { ...member.ctx, source: opts.source } : member.ctx;
      const data = await handler({ input, ctx, member });
      return { ok: true, data };
    } catch (error) {
      return toResult(error);
    }
  };
  register(name, "member", opts.permission, run as RegisteredAction["run"]);
  return run;
}
