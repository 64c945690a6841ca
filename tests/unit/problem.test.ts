import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { problemResponse, toProblem } from "@/app/api/_http/problem";
import { EmbeddedDbBusyError } from "@/db/client";
import { AppError, STATUS, type ErrorCode } from "@/lib/errors";

const EXPECTED: Record<ErrorCode, number> = {
  invalid: 422,
  malformed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  idempotency_conflict: 409,
  insufficient_balance: 409,
  out_of_stock: 409,
  not_available: 409,
  already_redeemed: 409,
  expired: 410,
  invalid_token: 422,
  wrong_merchant: 404,
  inactive: 409,
  card_held: 409,
  rate_limited: 429,
  unavailable: 503,
};

afterEach(() => vi.restoreAllMocks());

describe("problem+json mapping", () => {
  it("covers every error code", () => {
    expect(Object.keys(STATUS).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [code, status] of Object.entries(EXPECTED) as [ErrorCode, number][]) {
    it(`${code} → ${status}`, async () => {
      const response = problemResponse(new AppError(code, `message for ${code}`));
      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const body = await response.json();
      // Another merchant's token is reported exactly like any other merchant's object.
      const shown = code === "wrong_merchant" ? "not_found" : code;
      expect(body).toEqual({ type: `/docs/errors#${shown}`, title: expect.any(String), status, detail: `message for ${code}`, code: shown });
      expect(body.title.length).toBeGreaterThan(2);
    });
  }

  it("keeps field errors and sets Retry-After and WWW-Authenticate where they belong", async () => {
    const invalid = problemResponse(new AppError("invalid", "bad", { errors: [{ path: "amount", message: "must not be zero" }] }));
    expect((await invalid.json()).errors).toEqual([{ path: "amount", message: "must not be zero" }]);

    const limited = problemResponse(new AppError("rate_limited", "slow down", { retryAfter: 17 }));
    expect(limited.headers.get("retry-after")).toBe("17");

    const unauthorized = problemResponse(new AppError("unauthorized", "who are you"));
    expect(unauthorized.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(invalid.headers.get("retry-after")).toBeNull();
    expect(invalid.headers.get("www-authenticate")).toBeNull();
  });

  it("zod errors become 422 with dotted field paths", () => {
    const schema = z.object({ purchase: z.object({ amount: z.int(), currency: z.string().length(3) }), items: z.array(z.string()) });
    const parsed = schema.safeParse({ purchase: { amount: 1.5, currency: "EURO" }, items: ["a", 3] });
    const problem = toProblem(parsed.error);
    expect(problem).toMatchObject({ status: 422, code: "invalid", title: "Invalid input" });
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(["items.1", "purchase.amount", "purchase.currency"]);
    expect(problem.errors?.every((e) => e.message.length > 0)).toBe(true);
  });

  it("a zod error about the whole body is reported at (body)", () => {
    const parsed = z.object({ a: z.string() }).safeParse("just a string");
    expect(toProblem(parsed.error).errors).toEqual([{ path: "(body)", message: expect.any(String) }]);
  });

  it("unknown errors are 500 with a generic detail that leaks nothing", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const secret = new Error('duplicate key value violates unique constraint "api_keys_hash_key" (password=hunter2)');
    const response = problemResponse(secret);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/hunter2|duplicate key|api_keys/);
    expect(JSON.parse(text)).toEqual({ type: "/docs/errors#internal", title: "Internal error", status: 500, detail: expect.stringMatching(/went wrong/), code: "internal" });
    expect(logged).toHaveBeenCalled();

    for (const thrown of ["a string", null, undefined, { message: "an object" }, 42]) {
      const p = toProblem(thrown);
      expect(p.status).toBe(500);
      expect(p.detail).not.toContain("an object");
    }
  });

  it("a busy embedded database is a 503, not a 500", () => {
    expect(toProblem(new EmbeddedDbBusyError(1234, ".data/pglite"))).toMatchObject({ status: 503, code: "unavailable" });
  });
});
