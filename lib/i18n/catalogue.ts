import type { en } from "./messages/en";

/** A plural message: the forms Intl.PluralRules can pick; `other` is always there. */
export type Plural = { readonly zero?: string; readonly one?: string; readonly two?: string; readonly few?: string; readonly many?: string; readonly other: string };

type Reference = typeof en;
export type MessageKey = keyof Reference;

/**
 * What a language's catalogue must be: every key of the English one, a text where English has a
 * text and a plural where English has a plural. A missing key, an extra key or a plural given as a
 * text fails the type check.
 */
export type Catalogue = { readonly [K in MessageKey]: Reference[K] extends string ? string : Plural };

type Vars<S> = S extends `${string}{${infer V}}${infer Rest}` ? V | Vars<Rest> : never;
type VarsOf<M> = M extends string ? Vars<M> : M extends { other: infer O } ? Vars<O> | "count" : never;

/** The parameters a message takes, read from its English text: `"Join {program}"` takes `{ program }`. */
export type ParamsOf<K extends MessageKey> = { [P in VarsOf<Reference[K]>]: string | number };

/** The rest arguments of t(): none for a message without parameters, its parameters otherwise. */
export type ArgsOf<K extends MessageKey> = [VarsOf<Reference[K]>] extends [never] ? [] : [ParamsOf<K>];

/** Every `{name}` in a message text, in order. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{([a-zA-Z_]+)\}/g)].map((m) => m[1]!);
}
