import { Column, Placeholder, SQL, sql, type Query } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { isProduction } from "../lib/env";

/**
 * Statements on the hottest path (every balance change) whose text drizzle builds once per shape
 * instead of on every call. Building a statement of ~40 parameters from nested `sql` fragments is
 * drizzle's walk over every chunk (`is()` checks, name escaping, parameter numbering): on the earn
 * path it cost more CPU than anything else in the app's own code.
 *
 * `build` is ordinary drizzle `sql`, written with `slot("name")` where a value goes, and it sees
 * only the shape: which optional parts a call includes (`key` names the shape in a short string).
 * It runs once per shape; each call then only fills the slots, in the order the text numbers them:
 *
 *   const LOCK = cachedStatement({ key: (s: { campaigns: boolean }) => …, build: (s) => sql`select … where id = ${slot("cardId")}` });
 *   await queryRows(db, LOCK.bind({ campaigns: false }, { cardId }));
 *
 * The result is an SQL that drizzle executes like any other (`db.execute`, `queryRows`), with its
 * logger, on both drivers. A cast belongs in the text (`${slot("amount")}::int`); a slot used twice
 * is one parameter, so it takes the same type everywhere; a value is sent as given (null, not
 * undefined). Outside production every call also builds its shape afresh and fails when the text
 * differs from the cached one: a `key` that misses a difference between shapes, or a value baked
 * into the text instead of a slot (a column-typed `eq()` included), shows in the tests.
 */
export function cachedStatement<Shape>(statement: { key: (shape: Shape) => string; build: (shape: Shape) => SQL }) {
  const compiled = new Map<string, Compiled>();
  return {
    bind(shape: Shape, values: Record<string, unknown>): SQL {
      const key = statement.key(shape);
      let cached = compiled.get(key);
      if (!cached) {
        if (compiled.size >= MAX_SHAPES) throw new Error(`cachedStatement: more than ${MAX_SHAPES} shapes (is a key built from input?)`);
        cached = compile(statement.build(shape));
        compiled.set(key, cached);
      } else if (!isProduction) {
        const fresh = compile(statement.build(shape));
        if (fresh.text !== cached.text || JSON.stringify(fresh.sources) !== JSON.stringify(cached.sources)) {
          throw new Error(`cachedStatement: shape "${key}" built two different statements (a shape difference missing from key, or a value not in a slot)`);
        }
      }
      return new BoundStatement(cached, values);
    },
  };
}

/** A table's columns as a raw statement reads them: the row's key, the alias in the select, and the decoder when the driver's value needs one. */
export type ColumnRead = { key: string; alias: string; name: string; decode: Column | null };

/** Aliases (`prefix` and the column's position) and decoders worked out once, for a statement's text and fromColumns. */
export function columnReads(columns: Record<string, Column>, prefix: string): ColumnRead[] {
  return Object.entries(columns).map(([key, column], i) => ({
    key,
    alias: `${prefix}${i}`,
    name: column.name,
    decode: column.mapFromDriverValue === Column.prototype.mapFromDriverValue ? null : column,
  }));
}

/** A table's row from its columns' aliases in a raw row, each through its column's decoder (null stays null). */
export function fromColumns<T>(columns: ColumnRead[], row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const { key, alias, decode } of columns) {
    const value = row[alias];
    out[key] = value === null || value === undefined ? null : decode ? decode.mapFromDriverValue(value) : value;
  }
  return out as T;
}

/** A value's place in a cached statement's text. */
export const slot = (name: string): Placeholder => sql.placeholder(name);

const MAX_SHAPES = 64;

/**
 * The text and, for each `$n`, where its value comes from: a slot's name, or a value fixed in the
 * text. A slot used several times is one parameter (`$n` repeated): fewer values to encode and send.
 */
type Compiled = { text: string; sources: ({ slot: string } | { fixed: unknown })[] };

function compile(statement: SQL): Compiled {
  const sources: Compiled["sources"] = [];
  const numbers = new Map<string, number>();
  const dialect = new PgDialect();
  // drizzle numbers every occurrence (and passes the value beside the number, though its type does
  // not say so); here a slot keeps the number of its first one.
  dialect.escapeParam = ((_num: number, value: unknown) => {
    if (value instanceof Placeholder) {
      let n = numbers.get(value.name);
      if (n === undefined) {
        sources.push({ slot: value.name });
        n = sources.length;
        numbers.set(value.name, n);
      }
      return `$${n}`;
    }
    sources.push({ fixed: value });
    return `$${sources.length}`;
  }) as PgDialect["escapeParam"];
  return { text: dialect.sqlToQuery(statement).sql, sources };
}

/** A cached statement with its slots filled: drizzle asks it for its query and gets the text as built. */
class BoundStatement extends SQL {
  constructor(
    private readonly statement: Compiled,
    private readonly values: Record<string, unknown>,
  ) {
    super([]);
  }

  override toQuery(): Query {
    const { text, sources } = this.statement;
    const params = new Array<unknown>(sources.length);
    for (let i = 0; i < sources.length; i++) {
      const source = sources[i]!;
      if ("fixed" in source) params[i] = source.fixed;
      else if (source.slot in this.values) params[i] = this.values[source.slot];
      else throw new Error(`cachedStatement: no value for slot "${source.slot}"`);
    }
    return { sql: text, params };
  }
}
