import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/*
 * Layers. Imports point one way: app → (jobs, wallet, components, lib) → db, and jobs → wallet →
 * lib, so no two folders import each other. Each pattern matches both the "@/x" alias and a
 * relative path ("../../x") to the top-level folder x.
 *
 *   app/         routes; may import everything below, but queries the database only through lib/
 *   jobs/        Inngest functions; lib/, wallet/, db/
 *   wallet/      Apple and Google passes; lib/, db/
 *   components/  React UI; never the database, never server-only parts of lib/
 *   lib/         the domain; db/ only (no Next.js, no UI, no wallet/ or jobs/)
 *   db/          schema and client; from lib/ only types, and lib/env.ts for the connection
 */
const top = (folders) => `^(@/|(\\.\\./)+)(${folders.join("|")})(/|$)`;

const NOT_UP = ["tests", "scripts", "bench"];
const forbid = (folders, message, extra = {}) => ({ regex: top(folders), message, ...extra });
/** The root auth.ts (next-auth): an app concern. Not lib/auth/, which "../auth/…" reaches from inside lib/. */
const rootAuth = (who) => ({ regex: "^(@/|(\\.\\./)+)auth$", message: `${who} never imports the root auth.ts (next-auth, an app concern).` });

const layers = {
  lib: [
    forbid(["app", "components", "wallet", "jobs", ...NOT_UP], "lib/ is the domain: it never imports app/, components/, wallet/, jobs/ or tests. Move the shared piece into lib/ instead."),
    rootAuth("lib/"),
    { regex: "^(next|react|react-dom)(/|$)", message: "lib/ is plain TypeScript: no Next.js or React imports." },
  ],
  wallet: [
    rootAuth("wallet/"),
    forbid(["app", "components", "jobs", ...NOT_UP], "wallet/ builds passes from lib/ and db/; it never imports app/, components/ or jobs/."),
    { regex: "^(next|react|react-dom)(/|$)", message: "wallet/ is plain TypeScript: no Next.js or React imports." },
  ],
  jobs: [
    rootAuth("jobs/"),
    forbid(["app", "components", ...NOT_UP], "jobs/ runs lib/ and wallet/ verbs; it never imports app/ or components/."),
    { regex: "^(next|react|react-dom)(/|$)", message: "jobs/ is plain TypeScript: no Next.js or React imports." },
  ],
  components: [
    forbid(["db"], "components/ never touch the database: take the data as props (types from db/schema are fine).", { allowTypeImports: true }),
    { regex: "^drizzle-orm(/|$)", message: "components/ never touch the database.", allowTypeImports: true },
    rootAuth("components/"),
    forbid(["app", "jobs", "wallet", ...NOT_UP], "components/ are UI: they import lib/ helpers, never app/, jobs/ or wallet/."),
    forbid(["lib/(env|email|outbox|rate-limit|context)", "lib/events/(?!catalogue$)[^/]+"], "Server-only part of lib/: components/ may use its types, not its code.", { allowTypeImports: true }),
  ],
  db: [
    rootAuth("db/"),
    forbid(["app", "components", "wallet", "jobs", ...NOT_UP], "db/ is the bottom layer."),
    { regex: "^(@/|(\\.\\./)+)lib/(?!env$)", message: "db/ takes only types from lib/ (and lib/env.ts for the connection).", allowTypeImports: true },
  ],
  app: [
    forbid(["db/schema"], "app/ queries the database through lib/ (a read query `(db, params)` or a verb `(ctx, input)`); types from db/schema are fine.", { allowTypeImports: true }),
    { regex: "^drizzle-orm(/|$)", message: "app/ queries the database through lib/, not with drizzle-orm.", allowTypeImports: true },
    forbid(NOT_UP, "app/ never imports tests, scripts or benchmarks."),
  ],
};

const layerRules = Object.entries(layers).map(([folder, patterns]) => ({
  files: [`${folder}/**/*.{ts,tsx,js,mjs}`],
  rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns }] },
}));

const config = [
  ...next,
  ...nextTs,
  { ignores: [".next/**", ".next-*/**", ".scratch-*/**", "node_modules/**", ".data/**", "bench/results/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  ...layerRules,
];

export default config;
