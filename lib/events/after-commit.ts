/**
 * Called after a transaction that wrote outbox events has committed. Dispatch to Inngest and
 * Postgres NOTIFY is wired here by the background-jobs work; until then events wait in the outbox.
 */
export function afterCommit(_merchantId: string): void {}
