import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth, { type NextAuthConfig } from "next-auth";
import type { Adapter, AdapterAccount } from "next-auth/adapters";
import Google from "next-auth/providers/google";
import Passkey from "next-auth/providers/passkey";
import Resend from "next-auth/providers/resend";
import { proxiedIp } from "@/app/_server/client-ip";
import { dbReady, getDb } from "@/db/client";
import { accounts, authenticators, sessions, users, verificationTokens } from "@/db/schema";
import { auditAccount } from "@/lib/auth/account-audit";
import { publicSignInLink, safeCallbackPath } from "@/lib/auth/callback-url";
import { limitMagicLinkSend } from "@/lib/auth/sign-in-limits";
import { encryptAccountTokens } from "@/lib/crypto/accounts";
import { sendEmail } from "@/lib/email";
import { magicLinkEmail } from "@/lib/email/templates/magic-link";
import { appOrigin, env, isProduction } from "@/lib/env";
import { acceptInvitations } from "@/lib/team/verbs";

const ADAPTER_METHODS = [
  "createUser",
  "getUser",
  "getUserByEmail",
  "getUserByAccount",
  "updateUser",
  "deleteUser",
  "linkAccount",
  "unlinkAccount",
  "createSession",
  "getSessionAndUser",
  "updateSession",
  "deleteSession",
  "createVerificationToken",
  "useVerificationToken",
  "getAccount",
  "getAuthenticator",
  "createAuthenticator",
  "listAuthenticatorsByUserId",
  "updateAuthenticatorCounter",
] as const;

/**
 * The adapter opens the database on first use, not at import: `next build` imports this file in
 * several workers, and the embedded database allows one process at a time.
 */
function lazyAdapter(): Adapter {
  let adapter: Adapter | undefined;
  const get = async () => {
    await dbReady();
    adapter ??= DrizzleAdapter(getDb(), {
      usersTable: users,
      accountsTable: accounts,
      sessionsTable: sessions,
      verificationTokensTable: verificationTokens,
      authenticatorsTable: authenticators,
    });
    return adapter as unknown as Record<string, (...args: unknown[]) => unknown>;
  };
  const methods = Object.fromEntries(ADAPTER_METHODS.map((name) => [name, async (...args: unknown[]) => (await get())[name]!(...args)]));
  // OAuth tokens are stored encrypted (lib/crypto/secrets.ts); Keepcard never reads them back.
  methods.linkAccount = async (account: unknown) => (await get()).linkAccount!(encryptAccountTokens(account as AdapterAccount));
  return methods as unknown as Adapter;
}

// A fixed secret is fine for development and tests only; production refuses to start without AUTH_SECRET.
const secret = env.AUTH_SECRET ?? (isProduction ? undefined : "keepcard-development-secret-do-not-use-in-production");

const providers: NextAuthConfig["providers"] = [
  Resend({
    id: "email",
    name: "Email",
    from: env.EMAIL_FROM,
    apiKey: "sent-through-lib-email",
    maxAge: 15 * 60,
    async sendVerificationRequest({ identifier, url, request }) {
      // The sign-in form checks these limits first with a friendly message; this stops direct POSTs.
      await limitMagicLinkSend(identifier, proxiedIp(request.headers));
      // The link is rebuilt on APP_URL: request headers (Host, X-Forwarded-Host) never choose where the token goes.
      const link = publicSignInLink(url);
      const { subject, text, html } = magicLinkEmail(link, new URL(link).host);
      await sendEmail(await dbReady(), { to: identifier, subject, text, html, kind: "magic_link", secretLinks: [link] });
    },
  }),
];
// Passkeys (WebAuthn through @simplewebauthn): the relying party is APP_URL, never the request's host.
// Registering one needs a fully signed-in session: app/api/auth/[...nextauth]/route.ts refuses the rest.
providers.push(Passkey({ relayingParty: { id: new URL(appOrigin).hostname, name: "Keepcard", origin: appOrigin } }));
if (env.AUTH_GOOGLE_ID && env.AUTH_GOOGLE_SECRET) {
  providers.push(Google({ clientId: env.AUTH_GOOGLE_ID, clientSecret: env.AUTH_GOOGLE_SECRET, allowDangerousEmailAccountLinking: true }));
}

export const googleEnabled = Boolean(env.AUTH_GOOGLE_ID && env.AUTH_GOOGLE_SECRET);

export const authConfig = {
  adapter: lazyAdapter(),
  secret,
  // Auth.js takes its origin from AUTH_URL, which lib/env.ts pins to APP_URL, so trusting the host
  // only lets it accept requests addressed to a proxy name; the links it builds stay on APP_URL.
  trustHost: true,
  session: { strategy: "database", maxAge: 30 * 24 * 60 * 60, updateAge: 24 * 60 * 60 },
  providers,
  experimental: { enableWebAuthn: true },
  // Auth.js warns on every request that WebAuthn is experimental; the choice is made (docs/security.md).
  logger: {
    warn(code) {
      if (code !== "experimental-webauthn") console.warn(`[auth][warn] ${code}`);
    },
  },
  pages: { signIn: "/sign-in", verifyRequest: "/sign-in/check-email", error: "/sign-in" },
  callbacks: {
    // After sign-in, only a path on APP_URL: never another origin, whatever callbackUrl says.
    redirect({ url }) {
      return `${appOrigin}${safeCallbackPath(url)}`;
    },
    session({ session, user }) {
      return { ...session, user: { ...session.user, id: user.id } };
    },
  },
  events: {
    // A verified sign-in (magic link or Google) accepts the open invitations to that address.
    async signIn({ user, account }) {
      if (!user.id) return;
      const db = await dbReady();
      await acceptInvitations(db, { id: user.id, email: user.email });
      await auditAccount(db, user.id, "user.signed_in", { method: account?.provider ?? "unknown" });
    },
  },
} satisfies NextAuthConfig;

export const { handlers, auth, signIn, signOut } = NextAuth(authConfig);
