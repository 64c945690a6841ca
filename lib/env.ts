import { z } from "zod";

// The one place that reads process.env. Everything else imports `env`.
const optional = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());
const flag = z.preprocess((v) => v === "1" || v === "true", z.boolean());

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  APP_URL: z.string().url().default("http://localhost:3000"),

  // Postgres when set; otherwise the embedded PGlite under PGLITE_DIR ("memory://" keeps it in RAM).
  DATABASE_URL: optional,
  // Sized for a busy instance: at 32 concurrent writes a pool of 10 queued them in the driver and cost
  // ~20 % more CPU per request than a pool that holds them all (bench/results/earn.json notes).
  DATABASE_POOL_MAX: z.coerce.number().int().positive().default(20),
  // Named prepared statements on Postgres (each connection parses a statement once and then only binds
  // it: one round trip and no re-planning per query). On by default; DATABASE_PREPARE=0 turns them off
  // behind a pooler in transaction mode that cannot keep them (PgBouncer before 1.21).
  DATABASE_PREPARE: z.preprocess((v) => !(v === "0" || v === "false"), z.boolean()),
  PGLITE_DIR: z.string().default(".data/pglite"),
  // A tarball of a migrated embedded database (db/client.ts writeEmbeddedSnapshot) that an in-memory
  // one starts from instead of initialising and migrating itself; the integration tests set it.
  PGLITE_SNAPSHOT: optional,

  // Ed25519 key (PKCS#8 PEM, or base64 of it) that signs card and voucher QR tokens.
  // Without it a key is made once and kept under .data/keys (development only).
  TOKEN_SIGNING_KEY: optional,
  DATA_DIR: z.string().default(".data"),
  VOUCHER_TTL_DAYS: z.coerce.number().int().positive().default(30),

  // Rate limits: Upstash when configured, an in-process limiter otherwise.
  UPSTASH_REDIS_REST_URL: optional,
  UPSTASH_REDIS_REST_TOKEN: optional,
  RATE_LIMIT_API_PER_MINUTE: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_PUBLIC_PER_MINUTE: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_DISABLED: flag.default(false),
  // Whose address a per-IP limit counts (lib/http/client-ip.ts). By default the TCP peer. Behind N
  // proxies that append to X-Forwarded-For, TRUSTED_PROXY_HOPS=N takes the Nth entry from the right;
  // or CLIENT_IP_HEADER names a header the platform in front sets (fly-client-ip, cf-connecting-ip).
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  CLIENT_IP_HEADER: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().regex(/^[A-Za-z0-9-]+$/, "a header name such as fly-client-ip").optional(),
  ),

  // Email: Resend when a key is set, otherwise the dev outbox.
  RESEND_API_KEY: optional,
  RESEND_BASE_URL: optional,
  EMAIL_FROM: z.string().default("Keepcard <cards@keepcard.local>"),
  // Days a sent email is kept (the outbox sweep deletes older ones). Sign-in and invitation links are never stored.
  EMAIL_RETENTION_DAYS: z.coerce.number().int().positive().default(30),

  // Background jobs.
  INNGEST_EVENT_KEY: optional,
  INNGEST_SIGNING_KEY: optional,
  INNGEST_DEV: optional,
  INNGEST_BASE_URL: optional,
  // How long a background send of outbox events may take before the sweep is left to retry it.
  INNGEST_SEND_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
  // Cashback payouts: provider calls in flight at once, and the time limit of one call.
  PAYOUT_CONCURRENCY: z.coerce.number().int().positive().max(200).default(20),
  PAYOUT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  // Cashback payouts through Keepcard's own Stripe platform account (Stripe Connect: customers link
  // an Express account from the card page, payouts are transfers to it). STRIPE_API_BASE points the
  // SDK elsewhere (the local fake in tests); production refuses anything but https.
  STRIPE_SECRET_KEY: optional,
  STRIPE_WEBHOOK_SECRET: optional,
  STRIPE_API_BASE: z.string().url().default("https://api.stripe.com"),
  // Cashback payouts through Keepcard's own PayPal business account (PayPal Payouts to the email a
  // customer gives on the card page). PAYPAL_API_BASE: the live API, the sandbox
  // (https://api-m.sandbox.paypal.com) or, in tests, the local fake.
  PAYPAL_CLIENT_ID: optional,
  PAYPAL_CLIENT_SECRET: optional,
  PAYPAL_WEBHOOK_ID: optional,
  PAYPAL_API_BASE: z.string().url().default("https://api-m.paypal.com"),
  // Outgoing merchant webhooks: time limit of one delivery attempt.
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),

  // Test-only: lets outbound calls to merchant URLs reach loopback, where the local fakes listen.
  // Production refuses to start with it.
  OUTBOUND_ALLOW_LOOPBACK: flag.default(false),
  // How many webhook endpoints one business may have.
  WEBHOOK_ENDPOINTS_MAX: z.coerce.number().int().positive().default(20),
  // How many cashback programs of one business may pay out through a webhook (each has its own URL).
  PAYOUT_ENDPOINTS_MAX: z.coerce.number().int().positive().default(10),

  // AES-256-GCM key (32 bytes, base64) that encrypts stored secrets and OAuth tokens, with an id:
  // "<keyId>:<base64>" or just "<base64>" (id "k1"). Without it a key is made once under .data/keys
  // (development only). ENCRYPTION_KEYS lists older keys, comma-separated in the same form, for reading.
  ENCRYPTION_KEY: optional,
  ENCRYPTION_KEYS: optional,

  // A production build started by the test suites or the benchmark on this machine: unsafe settings
  // (DEV_OUTBOX, an http APP_URL…) are warned about instead of refused, and only while APP_URL is a
  // loopback origin, which no real user can reach.
  LOCAL_TEST_SERVER: flag.default(false),

  // Exposes /api/bench/reference, the bare-transaction baseline of `npm run bench`. Never in production.
  BENCH_ROUTES: flag.default(false),

  // Sign-in.
  AUTH_SECRET: optional,
  AUTH_URL: optional,
  AUTH_GOOGLE_ID: optional,
  AUTH_GOOGLE_SECRET: optional,
  DEMO_LOGIN: flag.default(false),
  // Shows sent emails at /dev/outbox even in a production build (end-to-end tests). Always on in development.
  DEV_OUTBOX: flag.default(false),

  // Apple Wallet.
  APPLE_PASS_TYPE_ID: optional,
  APPLE_TEAM_ID: optional,
  APPLE_PASS_CERT: optional,
  APPLE_PASS_KEY: optional,
  APPLE_PASS_KEY_PASSPHRASE: optional,
  APPLE_WWDR_CERT: optional,
  APNS_BASE_URL: z.string().default("https://api.push.apple.com"),
  APNS_CA: optional,
  // APNs token auth (ES256 provider tokens) instead of the pass certificate, when all three are set.
  APNS_KEY_ID: optional,
  APNS_TEAM_ID: optional,
  APNS_AUTH_KEY: optional,
  // Where passes call back (Apple's webServiceURL); defaults to APP_URL + /api/wallet/apple.
  APPLE_WEB_SERVICE_URL: optional,
  // Development certificates from `npm run wallet:dev-certs`, used when APPLE_*/GOOGLE_* are unset (not in production).
  WALLET_DEV_CERTS_DIR: optional,
  // The wallet sync takes card changes in batches (Inngest batchEvents): a batch runs when it holds
  // WALLET_SYNC_BATCH_SIZE changes or WALLET_SYNC_BATCH_SECONDS after its first change, whichever
  // comes first (Inngest allows 1–60 s and, depending on the plan, up to 100 events). Short enough
  // for a change to reach the phones within 5 s at 50 changes a second: bench/results/wallet.json.
  WALLET_SYNC_BATCH_SECONDS: z.coerce.number().int().min(1).max(60).default(1),
  WALLET_SYNC_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(100),

  // Google Wallet.
  GOOGLE_WALLET_ISSUER_ID: optional,
  GOOGLE_WALLET_SERVICE_ACCOUNT: optional,
  GOOGLE_WALLET_BASE_URL: z.string().default("https://walletobjects.googleapis.com/walletobjects/v1"),
  // Comma-separated origins allowed to show the "Save to Google Wallet" button; defaults to APP_URL's origin.
  GOOGLE_WALLET_ORIGINS: optional,
  // Google's OAuth token endpoint for the service account; a local fake in tests and benchmarks.
  GOOGLE_OAUTH_TOKEN_URL: z.string().url().default("https://oauth2.googleapis.com/token"),
  // Google's public keys for the save/delete callbacks (ECv2SigningOnly root signing keys); tests serve their own.
  GOOGLE_WALLET_CALLBACK_KEYS_URL: z.string().url().default("https://pay.google.com/gp/m/issuer/keys"),
});

export type Env = z.infer<typeof schema>;

function load(): Env {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export const env: Env = load();

export const isProduction = env.NODE_ENV === "production";

/**
 * The one public origin: every link, pass, email and redirect is built from APP_URL, never from
 * the request's Host or X-Forwarded-Host.
 */
export const appOrigin = new URL(env.APP_URL).origin;

/** An absolute URL on the public origin for a path such as "/c/abc". */
export function appUrl(path: string): string {
  return new URL(path, appOrigin).toString();
}

// Auth.js takes the origin of its own URLs (the magic link, OAuth callbacks, redirects) from
// process.env.AUTH_URL and, without it, from X-Forwarded-Host. Pin it to APP_URL.
process.env.AUTH_URL = env.AUTH_URL ?? appOrigin;

const UNSAFE_FLAGS = {
  DEMO_LOGIN: "DEMO_LOGIN lets anyone sign in as the demo owner; unset it.",
  DEV_OUTBOX: "DEV_OUTBOX shows every sent email (sign-in links included) at /dev/outbox; unset it.",
  BENCH_ROUTES: "BENCH_ROUTES exposes the benchmark's reference route; unset it.",
  RATE_LIMIT_DISABLED: "RATE_LIMIT_DISABLED turns off every rate limit; unset it.",
  OUTBOUND_ALLOW_LOOPBACK: "OUTBOUND_ALLOW_LOOPBACK lets merchant webhooks and payout URLs reach this machine; it is for tests only, unset it.",
} as const;

const REQUIRED_SECRETS = {
  AUTH_SECRET: "AUTH_SECRET is missing: it signs sessions and sign-in links (make one: openssl rand -base64 32).",
  TOKEN_SIGNING_KEY: "TOKEN_SIGNING_KEY is missing: it signs card and voucher QR codes (see .env.example).",
  ENCRYPTION_KEY: "ENCRYPTION_KEY is missing: it encrypts stored secrets and tokens (make one: openssl rand -base64 32).",
} as const;

function isHttps(url: string | undefined): boolean {
  try {
    return url !== undefined && new URL(url).protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * Settings a production server must refuse, one message each, all at once. Pure, so it can be
 * tested with any env; `assertProductionSafe()` calls it at boot.
 */
export function productionProblems(e: Env): string[] {
  if (e.NODE_ENV !== "production") return [];
  const problems: string[] = [];
  for (const [name, message] of Object.entries(UNSAFE_FLAGS)) if (e[name as keyof typeof UNSAFE_FLAGS]) problems.push(message);
  for (const [name, message] of Object.entries(REQUIRED_SECRETS)) if (!e[name as keyof typeof REQUIRED_SECRETS]) problems.push(message);
  if (e.LOCAL_TEST_SERVER) problems.push("LOCAL_TEST_SERVER is only for test servers on this machine (a loopback APP_URL); unset it.");
  if (!isHttps(e.APP_URL)) problems.push(`APP_URL must be set to the public https origin in production (it is ${e.APP_URL}).`);
  if (e.AUTH_URL !== undefined && (!isHttps(e.AUTH_URL) || new URL(e.AUTH_URL).origin !== new URL(e.APP_URL).origin)) {
    problems.push(`AUTH_URL must be unset or on APP_URL's https origin (it is ${e.AUTH_URL}).`);
  }
  if (e.APPLE_WEB_SERVICE_URL !== undefined && !isHttps(e.APPLE_WEB_SERVICE_URL)) {
    problems.push(`APPLE_WEB_SERVICE_URL (the pass webServiceURL) must be https in production (it is ${e.APPLE_WEB_SERVICE_URL}).`);
  }
  for (const name of ["STRIPE_API_BASE", "PAYPAL_API_BASE"] as const) {
    if (e[name] !== undefined && (!isHttps(e[name]) || loopbackOrigin(e[name]))) problems.push(`${name} must be the provider's https API in production (it is ${e[name]}).`);
  }
  return problems;
}

function loopbackOrigin(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Stops a production server at boot when a setting is unsafe, naming every one. A local test
 * server (LOCAL_TEST_SERVER=1 with a loopback APP_URL) only prints them.
 */
export function assertProductionSafe(e: Env = env, warn: (message: string) => void = console.warn): void {
  const problems = productionProblems(e);
  if (problems.length === 0) return;
  const list = problems.map((p) => `  - ${p}`).join("\n");
  if (e.LOCAL_TEST_SERVER && loopbackOrigin(e.APP_URL)) {
    warn(`Local test server: these settings would stop a production server:\n${list}`);
    return;
  }
  throw new Error(`Refusing to start in production with unsafe settings:\n${list}`);
}
