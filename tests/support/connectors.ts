import { createHmac } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import { cards, connectorEvents, ledgerEntries, programs, type ConnectorProvider } from "@/db/schema";
import { saveConnector, type ConnectorView } from "@/lib/integrations/connectors";
import { adjust } from "@/lib/ledger/adjust";
import { makeCard, makeMerchant, makeProgram, type TestMerchant } from "./fixtures";
import { expectLedgerConsistent } from "./invariants";

/**
 * What the connector tests share: a business with a points program (1 point per whole USD), a member,
 * a connector with its secret, and signatures made the way each provider makes them — written here
 * from the providers' documentation, not with the product's code or SDKs.
 */
export type ConnectorSetup = TestMerchant & { programId: string; connector: ConnectorView; secret: string; cardId: string; email: string };

type Route = (request: Request, route: { params: Promise<{ connectorId: string }> }) => Promise<Response>;

export async function setupConnector(provider: ConnectorProvider, opts: { refundsMayGoNegative?: boolean; phone?: string } = {}): Promise<ConnectorSetup> {
  const m = await makeMerchant();
  const program = await makeProgram(m, { name: "Points", currency: "USD", rules: { basis: "amount", rate: 1 } });
  if (opts.refundsMayGoNegative) await m.db.update(programs).set({ refundsMayGoNegative: true }).where(eq(programs.id, program.id));
  const email = `buyer-${Math.random().toString(36).slice(2)}@example.test`;
  const card = await makeCard(m, program.id, email);
  const secret = `${provider}_secret_${Math.random().toString(36).slice(2)}`;
  const connector = await saveConnector(m.ctx, { provider, programId: program.id, secret });
  return { ...m, programId: program.id, connector, secret, cardId: card.id, email };
}

/** POSTs the raw body with the headers to the route, as the provider would. */
export async function deliver(route: Route, s: Pick<ConnectorSetup, "connector">, rawBody: string, headers: Record<string, string>) {
  const request = new Request(s.connector.webhookUrl, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: rawBody });
  const response = await route(request, { params: Promise.resolve({ connectorId: s.connector.id }) });
  const body = (await response.json()) as { outcome?: string; message?: string; detail?: string };
  return { status: response.status, body };
}

/** X-Shopify-Hmac-Sha256: base64 of HMAC-SHA256 over the raw body with the app's secret. */
export function shopifySignature(rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}

/** Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body"> with the endpoint's whsec. */
export function stripeSignature(rawBody: string, secret: string, at = Math.floor(Date.now() / 1000)): string {
  return `t=${at},v1=${createHmac("sha256", secret).update(`${at}.${rawBody}`).digest("hex")}`;
}

/** x-square-hmacsha256-signature: base64 of HMAC-SHA256 over notification URL + raw body with the signature key. */
export function squareSignature(url: string, rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(url + rawBody).digest("base64");
}

export async function balanceOf(s: TestMerchant, cardId: string): Promise<{ balance: number; debt: number }> {
  const [card] = await s.db.select({ balance: cards.balance, debt: cards.debt }).from(cards).where(eq(cards.id, cardId));
  await expectLedgerConsistent(s.db, { cardId });
  return card!;
}

/** The member spends everything they have (a redemption at the counter, by hand here). */
export async function spendAll(s: TestMerchant, cardId: string): Promise<void> {
  const { balance } = await balanceOf(s, cardId);
  await adjust(s.ctx, { cardId, amount: -balance, reason: "spent at the counter" });
}

/** The log rows of the connector, oldest first, as the setup page lists them (outcome and message). */
export async function logOf(s: ConnectorSetup) {
  const rows = await s.db.select().from(connectorEvents).where(eq(connectorEvents.connectorId, s.connector.id));
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
}

export async function entriesOf(s: TestMerchant, cardId: string) {
  return s.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.cardId, cardId)));
}

export function expectOutcomes(log: Array<{ outcome: string }>, expected: string[]) {
  expect(log.map((r) => r.outcome).sort()).toEqual([...expected].sort());
}
