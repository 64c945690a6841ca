import { z } from "zod";
import { AdjustInput } from "@/lib/ledger/adjust";
import { EarnInput } from "@/lib/ledger/earn";
import { EnrollInput } from "@/lib/cards/enroll";
import { CreateProgramInput, UpdateProgramInput } from "@/lib/programs/schema";
import { RedeemInput } from "@/lib/rewards/redeem";
import { CreateRewardInput } from "@/lib/rewards/verbs";
import { RedeemVoucherInput } from "@/lib/vouchers/redeem";
import { ReverseBody } from "../v1/entries/[id]/reverse/route";
import { ScanInput } from "../v1/scan/route";
import { CardOut, EntryOut, ProblemOut, ProgramOut, RewardOut, VoucherOut } from "./present";

type Op = {
  method: "get" | "post" | "patch";
  path: string;
  summary: string;
  body?: z.ZodType;
  query?: Record<string, { schema: z.ZodType; description: string }>;
  ok: { status: number; schema: z.ZodType; also?: number[] };
  errors: number[];
};

const list = (item: z.ZodType) => z.object({ data: z.array(item) });

const OPERATIONS: Op[] = [
  { method: "get", path: "/programs", summary: "List programs", ok: { status: 200, schema: list(ProgramOut) }, errors: [401] },
  { method: "post", path: "/programs", summary: "Create a program", body: CreateProgramInput, ok: { status: 201, schema: ProgramOut }, errors: [401, 409, 422] },
  { method: "get", path: "/programs/{id}", summary: "Get a program", ok: { status: 200, schema: ProgramOut }, errors: [401, 404] },
  { method: "patch", path: "/programs/{id}", summary: "Update a program", body: UpdateProgramInput, ok: { status: 200, schema: ProgramOut }, errors: [401, 404, 422] },
  { method: "post", path: "/rewards", summary: "Create a reward", body: CreateRewardInput, ok: { status: 201, schema: RewardOut }, errors: [401, 404, 422] },
  {
    method: "get",
    path: "/rewards",
    summary: "List rewards",
    query: { programId: { schema: z.string(), description: "Only this program's rewards" } },
    ok: { status: 200, schema: list(RewardOut) },
    errors: [401],
  },
  { method: "post", path: "/cards", summary: "Enroll a customer (200 with the existing card)", body: EnrollInput, ok: { status: 201, schema: CardOut, also: [200] }, errors: [401, 404, 409, 422] },
  { method: "get", path: "/cards/{id}", summary: "Get a card", ok: { status: 200, schema: CardOut }, errors: [401, 404] },
  {
    method: "get",
    path: "/cards/{id}/transactions",
    summary: "Ledger entries, newest first",
    query: {
      cursor: { schema: z.string(), description: "nextCursor of the previous page" },
      limit: { schema: z.int().min(1).max(200), description: "Page size (default 50)" },
    },
    ok: { status: 200, schema: z.object({ data: z.array(EntryOut), nextCursor: z.string().nullable() }) },
    errors: [401, 404, 422],
  },
  {
    method: "post",
    path: "/cards/{id}/earn",
    summary: "Award points, stamps or cashback",
    body: EarnInput,
    ok: { status: 201, schema: z.object({ entry: EntryOut, card: CardOut, vouchers: z.array(VoucherOut) }) },
    errors: [401, 404, 409, 422],
  },
  {
    method: "post",
    path: "/cards/{id}/adjust",
    summary: "Adjust a balance by hand, with a reason",
    body: AdjustInput,
    ok: { status: 201, schema: z.object({ entry: EntryOut, card: CardOut }) },
    errors: [401, 404, 409, 422],
  },
  {
    method: "post",
    path: "/cards/{id}/redemptions",
    summary: "Redeem a reward for a voucher",
    body: RedeemInput,
    ok: { status: 201, schema: z.object({ voucher: VoucherOut, entry: EntryOut, card: CardOut }) },
    errors: [401, 404, 409, 422],
  },
  {
    method: "post",
    path: "/entries/{id}/reverse",
    summary: "Reverse a ledger entry",
    body: ReverseBody,
    ok: { status: 201, schema: z.object({ entry: EntryOut, card: CardOut }) },
    errors: [401, 404, 409, 422],
  },
  { method: "post", path: "/vouchers/redeem", summary: "Use a voucher (once)", body: RedeemVoucherInput, ok: { status: 200, schema: z.object({ voucher: VoucherOut }) }, errors: [401, 404, 409, 410, 422] },
  {
    method: "post",
    path: "/scan",
    summary: "Identify a scanned card or voucher QR",
    body: ScanInput,
    ok: { status: 200, schema: z.object({ kind: z.enum(["card", "voucher"]), card: CardOut, voucher: VoucherOut.optional() }) },
    errors: [401, 404, 410, 422],
  },
];

const DESCRIPTIONS: Record<number, string> = {
  401: "Missing or invalid API key",
  404: "Not found (or another merchant's)",
  409: "Conflict: insufficient_balance, out_of_stock, already_redeemed, idempotency_conflict, inactive",
  410: "Expired",
  422: "Invalid input; `errors` lists the fields",
  429: "Rate limited; see Retry-After",
};

function schema(s: z.ZodType, io: "input" | "output") {
  return z.toJSONSchema(s, { target: "draft-2020-12", io, unrepresentable: "any" });
}

/** The OpenAPI 3.1 document, built from the same zod schemas the routes validate with. */
export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const parameters = [
      ...[...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } })),
      ...Object.entries(op.query ?? {}).map(([name, q]) => ({ name, in: "query", required: false, description: q.description, schema: schema(q.schema, "input") })),
      ...(op.method === "get"
        ? []
        : [{ name: "Idempotency-Key", in: "header", required: false, description: "Retry-safe key, unique per merchant; replays return the first result.", schema: { type: "string", maxLength: 255 } }]),
    ];
    const responses: Record<string, unknown> = {
      [op.ok.status]: { description: "OK", content: { "application/json": { schema: schema(op.ok.schema, "output") } } },
    };
    for (const status of op.ok.also ?? []) responses[status] = responses[op.ok.status];
    for (const status of [...op.errors, 429]) {
      responses[status] = { description: DESCRIPTIONS[status], content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } };
    }
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      summary: op.summary,
      operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`,
      parameters,
      ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: schema(op.body, "input") } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: { title: "Keepcard API", version: "1.0.0", description: "Loyalty cards, points, rewards and vouchers. Errors are RFC 9457 problem+json with a stable `code`." },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API key from the dashboard or `npm run cli -- api-key create`." } },
      schemas: { Problem: schema(ProblemOut, "output") },
    },
    paths,
  };
}
