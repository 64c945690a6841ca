import { z } from "zod";
import { dbReady, type Db } from "@/db/client";
import { AppError } from "@/lib/errors";
import { appleConfig, type AppleConfig } from "@/wallet/config";
import { readJson } from "@/app/api/_http/body";
import { problemResponse } from "@/app/api/_http/problem";

type Handler<P> = (args: { db: Db; config: AppleConfig; params: P; request: Request }) => Promise<Response>;

/**
 * Wrapper of the Apple Wallet web service routes: configuration, database, parsed path
 * parameters, and Apple's status codes (401 with an empty body for a wrong token; problem+json
 * for anything else that is the caller's fault; never a stack trace).
 */
export function appleRoute<S extends z.ZodType>(paramsSchema: S, handler: Handler<z.output<S>>) {
  return async (request: Request, route: { params: Promise<unknown> }): Promise<Response> => {
    try {
      const config = appleConfig();
      if (!config) throw new AppError("unavailable", "Apple Wallet is not configured on this server.");
      const parsed = paramsSchema.safeParse(await route.params);
      if (!parsed.success) throw new AppError("malformed", "The path has invalid segments.");
      return await handler({ db: await dbReady(), config, params: parsed.data, request });
    } catch (error) {
      if (error instanceof AppError && error.code === "unauthorized") return new Response(null, { status: 401 });
      return problemResponse(error);
    }
  };
}

/** The body as `schema` reads it; Apple gets a plain 400 for a body that is not JSON or lacks fields. */
export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse(await readJson(request));
  if (!parsed.success) throw new AppError("malformed", "The body does not have the expected fields.");
  return parsed.data;
}
