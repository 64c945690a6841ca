import { encryptSecret } from "./secrets";

type Tokens = { access_token?: string | null; refresh_token?: string | null; id_token?: string | null };

/** An OAuth account as the Auth.js adapter stores it, with its tokens encrypted. */
export function encryptAccountTokens<A extends Tokens>(account: A): A {
  const out = { ...account };
  for (const key of ["access_token", "refresh_token", "id_token"] as const) {
    const value = out[key];
    if (typeof value === "string") out[key] = encryptSecret(value) as A[typeof key];
  }
  return out;
}
