import { describe, expect, it } from "vitest";
import { z } from "zod";
import { GET as openapiRoute } from "@/app/api/v1/openapi.json/route";
import { ReverseBody } from "@/app/api/v1/entries/[id]/reverse/route";
import { ScanInput } from "@/app/api/v1/scan/route";
import { AdjustInput } from "@/lib/ledger/adjust";
import { EarnInput } from "@/lib/ledger/earn";
import { EnrollInput } from "@/lib/cards/enroll";
import { CreateProgramInput, UpdateProgramInput } from "@/lib/programs/schema";
import { RedeemInput } from "@/lib/rewards/redeem";
import { CreateRewardInput } from "@/lib/rewards/verbs";
import { RedeemVoucherInput } from "@/lib/vouchers/redeem";

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
};
type Operation = {
  operationId: string;
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: { "application/json": { schema: unknown } } };
  responses: Record<string, { description: string; content: Record<string, { schema: unknown }> }>;
};

// The contract of the issue, plus the write routes it implies (PATCH a program, reverse an entry).
const CONTRACT: [string, string, number, z.ZodType | null][] = [
  ["post", "/programs", 201, CreateProgramInput],
  ["get", "/programs", 200, null],
  ["get", "/programs/{id}", 200, null],
  ["patch", "/programs/{id}", 200, UpdateProgramInput],
  ["post", "/rewards", 201, CreateRewardInput],
  ["get", "/rewards", 200, null],
  ["post", "/cards", 201, EnrollInput],
  ["get", "/cards/{id}", 200, null],
  ["get", "/cards/{id}/transactions", 200, null],
  ["post", "/cards/{id}/earn", 201, EarnInput],
  ["post", "/cards/{id}/adjust", 201, AdjustInput],
  ["post", "/cards/{id}/redemptions", 201, RedeemInput],
  ["post", "/entries/{id}/reverse", 201, ReverseBody],
  ["post", "/vouchers/redeem", 200, RedeemVoucherInput],
  ["post", "/scan", 200, ScanInput],
];

async function load(): Promise<Doc> {
  const res = await openapiRoute();
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  return (await res.json()) as Doc;
}

function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refs(n, out);
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe("OpenAPI document", () => {
  it("is an OpenAPI 3.1 document with bearer security and a server under /api/v1", async () => {
    const doc = await load();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(doc.servers[0]!.url).toMatch(/^https?:\/\/.+\/api\/v1$/);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.schemas.Problem).toMatchObject({ type: "object", required: expect.arrayContaining(["type", "title", "status", "detail", "code"]) });
  });

  it("has every path and verb of the contract, with its success status", async () => {
    const doc = await load();
    for (const [method, path, status] of CONTRACT) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(op!.responses[String(status)], `${method.toUpperCase()} ${path} ${status}`).toBeDefined();
      expect(op!.responses["401"]).toBeDefined();
      expect(op!.responses["429"]).toBeDefined();
    }
    expect(doc.paths["/cards"]!.post!.responses["200"]).toBeDefined();
  });

  it("request bodies are exactly the zod schemas the routes validate with", async () => {
    const doc = await load();
    for (const [method, path, , schema] of CONTRACT) {
      const body = doc.paths[path]![method]!.requestBody;
      if (!schema) {
        expect(body, `${method} ${path} has no body`).toBeUndefined();
        continue;
      }
      expect(body!.content["application/json"].schema, `${method.toUpperCase()} ${path}`).toEqual(
        z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", unrepresentable: "any" }),
      );
    }
  });

  it("declares every path parameter, an Idempotency-Key on writes, unique operation ids and resolvable $refs", async () => {
    const doc = await load();
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\//);
      for (const [method, op] of Object.entries(ops)) {
        for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
          expect(op.parameters.find((p) => p.in === "path" && p.name === name)?.required, `${method} ${path} {${name}}`).toBe(true);
        }
        expect(op.parameters.some((p) => p.in === "header" && p.name === "Idempotency-Key")).toBe(method !== "get");
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        for (const [status, response] of Object.entries(op.responses)) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(response.description).toBeTruthy();
        }
      }
    }
    for (const ref of refs(doc)) {
      const target = ref.replace(/^#\//, "").split("/").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect(target, ref).toBeDefined();
    }
  });

  it("the card response schema describes what GET /cards/{id} returns", async () => {
    const doc = await load();
    const schema = doc.paths["/cards/{id}"]!.get!.responses["200"]!.content["application/json"]!.schema as { required: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(["id", "programId", "customerId", "balance", "lifetimeEarned", "tier", "status", "links"]));
  });
});
