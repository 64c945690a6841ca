import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HTTP_METHODS } from "@/app/api/_http/openapi";
import { apiRoute, type ApiContract, type ApiHandler } from "@/app/api/_http/route";
import { GET as listPrograms } from "@/app/api/v1/programs/route";
import { GET as openapiRoute } from "@/app/api/v1/openapi.json/route";
import { REGISTRY_FILE, V1_DIR, registrySource } from "@/scripts/api-registry";
import { call, makeMerchant, makeProgram } from "../support/fixtures";

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
};
type Operation = {
  summary: string;
  operationId: string;
  parameters: { name: string; in: string; required: boolean; description?: string }[];
  requestBody?: { content: { "application/json": { schema: unknown } } };
  responses: Record<string, { description: string; content: Record<string, { schema: unknown }> }>;
};

// What a Next.js route file may export besides its method handlers.
const ROUTE_CONFIG = new Set(["dynamic", "dynamicParams", "revalidate", "fetchCache", "runtime", "preferredRegion", "maxDuration"]);
// The document's own route: served without a key, and not an operation of the document.
const NOT_OPERATIONS = new Set(["GET /openapi.json"]);

async function load(): Promise<Doc> {
  const res = await openapiRoute();
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  return (await res.json()) as Doc;
}

/** Each route.ts under app/api/v1 on disk, its URL path ([id] → {id}) and its module, imported the way Next would. */
async function routeFiles() {
  const files = readdirSync(V1_DIR, { recursive: true, encoding: "utf8" }).filter((file) => path.basename(file) === "route.ts");
  return Promise.all(
    files.map(async (file) => ({
      file,
      path: `/${path.dirname(file).split(path.sep).join("/")}`.replace(/\[(\w+)\]/g, "{$1}"),
      module: (await import(path.join(V1_DIR, file))) as Record<string, unknown>,
    })),
  );
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

  it("the generated route registry lists the route files on disk (else run `npm run api:registry`)", () => {
    expect(readFileSync(REGISTRY_FILE, "utf8"), "app/api/v1/_registry.ts is stale: run `npm run api:registry`").toBe(registrySource());
  });

  it("has every method of every route file under app/api/v1, with the contract the handler carries", async () => {
    const doc = await load();
    const files = await routeFiles();
    expect(files.length).toBeGreaterThan(10);
    let operations = 0;
    for (const { file, path: url, module } of files) {
      for (const [name, handler] of Object.entries(module)) {
        const route = `${name} ${url}`;
        if (ROUTE_CONFIG.has(name)) continue;
        expect(HTTP_METHODS, `${file} exports ${name}, which is neither a method handler nor route config`).toContain(name);
        if (NOT_OPERATIONS.has(route)) continue;
        const contract = (handler as Partial<ApiHandler>).contract;
        expect(contract, `${route} is not made with apiRoute, so it has no contract`).toBeDefined();
        const op = doc.paths[url]?.[name.toLowerCase()];
        expect(op, `${route} is missing from openapi.json`).toBeDefined();
        expect(op!.summary).toBe(contract!.summary);
        expect(op!.responses[String(contract!.response.status)], `${route} ${contract!.response.status}`).toBeDefined();
        expect(op!.responses["401"], route).toBeDefined();
        expect(op!.responses["429"], route).toBeDefined();
        // The params the handler reads are the folder's dynamic segments.
        expect([...(contract!.params ?? [])].sort(), route).toEqual([...url.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort());
        operations++;
      }
    }
    expect(Object.values(doc.paths).flatMap((ops) => Object.keys(ops))).toHaveLength(operations);
    expect(doc.paths["/cards"]!.post!.responses["200"]).toBeDefined();
  });

  it("request schemas come from lib/, beside the verbs, and the document shows them as the routes validate", async () => {
    const doc = await load();
    for (const { file, path: url, module } of await routeFiles()) {
      const source = readFileSync(path.join(V1_DIR, file), "utf8");
      const libExports = await Promise.all([...source.matchAll(/from "@\/(lib\/[^"]+)"/g)].map(async (m) => Object.values((await import(path.join(V1_DIR, "../../..", m[1]!))) as object)));
      for (const [name, handler] of Object.entries(module)) {
        const contract = (handler as Partial<ApiHandler>).contract;
        if (!contract) continue;
        const op = doc.paths[url]![name.toLowerCase()]!;
        for (const [kind, schema] of [["body", contract.body], ["query", contract.query]] as const) {
          if (schema) expect(libExports.flat(), `${name} ${url}: the ${kind} schema is not one that lib/ exports`).toContain(schema);
        }
        if (!contract.body) expect(op.requestBody, `${name} ${url} has no body`).toBeUndefined();
        else expect(op.requestBody!.content["application/json"].schema).toEqual(z.toJSONSchema(contract.body, { target: "draft-2020-12", io: "input", unrepresentable: "any" }));
      }
    }
  });

  it("declares every path parameter, described query parameters, an Idempotency-Key on writes, unique operation ids and resolvable $refs", async () => {
    const doc = await load();
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\//);
      for (const [method, op] of Object.entries(ops)) {
        for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
          expect(op.parameters.find((p) => p.in === "path" && p.name === name)?.required, `${method} ${path} {${name}}`).toBe(true);
        }
        for (const p of op.parameters.filter((p) => p.in === "query")) expect(p.description, `${method} ${path} ?${p.name}`).toBeTruthy();
        expect(op.parameters.some((p) => p.in === "header" && p.name === "Idempotency-Key")).toBe(method !== "get");
        if (method !== "get") expect(op.responses["409"], `${method} ${path}: a reused Idempotency-Key is a 409`).toBeDefined();
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        for (const [status, response] of Object.entries(op.responses)) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(response.description).toBeTruthy();
          if (Number(status) >= 400) expect(response.content["application/problem+json"]!.schema).toEqual({ $ref: "#/components/schemas/Problem" });
        }
      }
    }
    expect(doc.paths["/cards/{id}/transactions"]!.get!.parameters.filter((p) => p.in === "query").map((p) => p.name)).toEqual(["cursor", "limit"]);
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

describe("responses are held to their route's contract", () => {
  /** GET /programs answering as it does, but under another contract. */
  const withContract = (change: Partial<ApiContract>) => Object.assign((req: Request) => listPrograms(req), { contract: { ...listPrograms.contract, ...change } });

  it("a body the declared schema refuses, an undeclared field or an undeclared status fails the calling test", async () => {
    const m = await makeMerchant();
    await makeProgram(m);
    expect((await call(listPrograms, { key: m.apiKey })).status).toBe(200);

    const wrongSchema = withContract({ response: { status: 200, schema: z.object({ data: z.array(z.object({ id: z.int() })) }) } });
    await expect(call(wrongSchema, { key: m.apiKey })).rejects.toThrow(/refuses[\s\S]*data\[0\]\.id/);
    const fewerFields = withContract({ response: { status: 200, schema: z.object({ data: z.array(z.object({ id: z.string(), name: z.string() })) }) } });
    await expect(call(fewerFields, { key: m.apiKey })).rejects.toThrow(/does not have: data\[0\]\.kind/);
    const otherStatus = withContract({ response: { status: 201, schema: listPrograms.contract.response.schema } });
    await expect(call(otherStatus, { key: m.apiKey })).rejects.toThrow(/answered 200, a status its contract does not declare/);
    const onlyReads = withContract({ errors: [] });
    await expect(call(onlyReads, { key: "kc_live_wrong" })).resolves.toMatchObject({ status: 401 });
  });

  it("types a handler's answer from the declared response", () => {
    const contract = { summary: "Two numbers", response: { status: 200, schema: z.object({ n: z.int(), m: z.int() }) } } as const;
    expect(apiRoute(contract, async () => ({ status: 200, body: { n: 1, m: 2 } })).contract.summary).toBe("Two numbers");
    // @ts-expect-error the body has a string where the contract says a number
    apiRoute(contract, async () => ({ status: 200, body: { n: "1", m: 2 } }));
    // @ts-expect-error the body lacks a declared field
    apiRoute(contract, async () => ({ status: 200, body: { n: 1 } }));
    // @ts-expect-error 201 is not the declared status
    apiRoute(contract, async () => ({ status: 201, body: { n: 1, m: 2 } }));
  });
});
