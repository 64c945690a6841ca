import { and, eq, isNotNull } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../../db/client";
import { accounts, connectors, payoutSettings, webhookEndpoints } from "../../db/schema";
import { decryptNullable, decryptSecret, encryptNullable, encryptSecret, needsRotation } from "./secrets";

export type RotationReport = { webhookEndpoints: number; payoutSettings: number; accounts: number; connectors: number };

const OAUTH_TOKENS = ["access_token", "refresh_token", "id_token"] as const;

/**
 * Re-encrypts every stored secret under the current ENCRYPTION_KEY: rows under an older key (kept
 * readable through ENCRYPTION_KEYS) and plain rows from before encryption. Safe to run again;
 * rows already under the current key are left alone. `npm run cli -- secrets rotate`.
 */
export async function rotateStoredSecrets(db: Db, only?: { merchantId: string }): Promise<RotationReport> {
  const report: RotationReport = { webhookEndpoints: 0, payoutSettings: 0, accounts: 0, connectors: 0 };
  // `only`: one business's rows (a test that swaps keys must not touch rows other tests are reading); sign-in accounts are skipped then.
  const scope = (column: AnyPgColumn) => (only ? eq(column, only.merchantId) : undefined);
  for (const row of await db.select({ id: webhookEndpoints.id, secret: webhookEndpoints.secret, previousSecret: webhookEndpoints.previousSecret }).from(webhookEndpoints).where(scope(webhookEndpoints.merchantId))) {
    if (!needsRotation(row.secret) && !(row.previousSecret && needsRotation(row.previousSecret))) continue;
    await db
      .update(webhookEndpoints)
      .set({ secret: encryptSecret(decryptSecret(row.secret)), previousSecret: encryptNullable(decryptNullable(row.previousSecret)) })
      .where(and(eq(webhookEndpoints.id, row.id), eq(webhookEndpoints.secret, row.secret)));
    report.webhookEndpoints++;
  }
  for (const row of await db.select({ programId: payoutSettings.programId, secret: payoutSettings.secret }).from(payoutSettings).where(and(isNotNull(payoutSettings.secret), scope(payoutSettings.merchantId)))) {
    if (!row.secret || !needsRotation(row.secret)) continue;
    await db.update(payoutSettings).set({ secret: encryptSecret(decryptSecret(row.secret)) }).where(and(eq(payoutSettings.programId, row.programId), eq(payoutSettings.secret, row.secret)));
    report.payoutSettings++;
  }
  for (const row of only ? [] : await db.select().from(accounts)) {
    if (!OAUTH_TOKENS.some((t) => row[t] && needsRotation(row[t]))) continue;
    const set = Object.fromEntries(OAUTH_TOKENS.map((t) => [t, encryptNullable(decryptNullable(row[t]))]));
    await db.update(accounts).set(set).where(and(eq(accounts.provider, row.provider), eq(accounts.providerAccountId, row.providerAccountId)));
    report.accounts++;
  }
  // The earn connectors' signing secrets (lib/integrations).
  for (const row of await db.select({ id: connectors.id, secret: connectors.secret }).from(connectors).where(and(isNotNull(connectors.secret), scope(connectors.merchantId)))) {
    if (!row.secret || !needsRotation(row.secret)) continue;
    await db.update(connectors).set({ secret: encryptSecret(decryptSecret(row.secret)) }).where(and(eq(connectors.id, row.id), eq(connectors.secret, row.secret)));
    report.connectors++;
  }
  return report;
}
