import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { cachedStatement, slot } from "@/db/statement";
import { cards } from "@/db/schema";

const dialect = new PgDialect();
const query = (statement: ReturnType<ReturnType<typeof cachedStatement>["bind"]>) => dialect.sqlToQuery(statement);

describe("cachedStatement", () => {
  const FIND = cachedStatement({
    key: (shape: { merchant: boolean }) => (shape.merchant ? "merchant" : "id"),
    build: ({ merchant }) =>
      sql`select id from ${cards} where id = ${slot("id")}${merchant ? sql` and merchant_id = ${slot("merchantId")} and ${"fixed"} <> ${slot("id")}` : sql``}`,
  });

  it("gives the text drizzle builds, with each call's values in the slots' order, a slot used twice sent once", () => {
    expect(query(FIND.bind({ merchant: true }, { id: "crd_1", merchantId: "mer_1" }))).toEqual({
      sql: 'select id from "cards" where id = $1 and merchant_id = $2 and $3 <> $1',
      params: ["crd_1", "mer_1", "fixed"],
    });
    expect(query(FIND.bind({ merchant: true }, { id: "crd_2", merchantId: "mer_2" })).params).toEqual(["crd_2", "mer_2", "fixed"]);
    expect(query(FIND.bind({ merchant: false }, { id: "crd_3" }))).toEqual({ sql: 'select id from "cards" where id = $1', params: ["crd_3"] });
  });

  it("refuses a call that leaves a slot without a value, rather than send undefined", () => {
    expect(() => query(FIND.bind({ merchant: true }, { id: "crd_1" }))).toThrow(/no value for slot "merchantId"/);
  });

  it("fails (outside production) when one key names two different statements, or a value was written into the text", () => {
    let extra = "";
    const LEAKY = cachedStatement({ key: () => "one", build: () => sql`select ${extra}::text as x, ${slot("y")}::int as y` });
    extra = "a";
    LEAKY.bind(undefined, { y: 1 });
    extra = "b";
    expect(() => LEAKY.bind(undefined, { y: 2 })).toThrow(/built two different statements/);

    const COLLIDING = cachedStatement({ key: () => "same", build: (kind: "a" | "b") => (kind === "a" ? sql`select 1` : sql`select 2`) });
    COLLIDING.bind("a", {});
    expect(() => COLLIDING.bind("b", {})).toThrow(/built two different statements/);
  });

  it("caps the number of shapes, so a key built from input cannot grow the cache without bound", () => {
    const OPEN = cachedStatement({ key: (n: number) => String(n), build: (n: number) => sql`select ${sql.raw(String(n))}` });
    for (let n = 0; n < 64; n++) OPEN.bind(n, {});
    expect(() => OPEN.bind(64, {})).toThrow(/more than 64 shapes/);
  });
});
