export type PayoutRequest = {
  payoutId: string;
  idempotencyKey: string;
  merchantId: string;
  programId: string;
  cardId: string;
  customerEmail: string | null;
  amount: number;
  currency: string;
  /** Where the customer takes payouts (card page): a linked Stripe account, a PayPal email. */
  /** When the payout was reserved: a provider whose idempotency keys expire looks the payment up first when it is old. */
  reservedAt?: Date;
  stripeAccountId?: string | null;
  paypalEmail?: string | null;
};

/**
 * ok + `sent`: the provider accepted the payout but says later (by webhook) whether it arrived;
 * ok without it: paid.
 */
export type PayoutOutcome =
  | { ok: true; reference: string | null; sent?: boolean }
  /** rebatch: the provider refused the whole batch and made nothing, so the next try may form a new one. */
  | { ok: false; retryable: boolean; error: string; rebatch?: boolean };

/**
 * Pays one payout (`pay`) or a batch of them under one id (`payBatch`). Must be safe to call again
 * with the same idempotency key or batch id: the second call pays nothing.
 */
export interface PayoutProvider {
  readonly name: string;
  /** false for providers paid by hand (the run stops at the CSV export). */
  readonly automatic: boolean;
  pay(request: PayoutRequest): Promise<PayoutOutcome>;
  /**
   * Batching providers (PayPal): sends `requests` as one batch named `batchId`. The batch's members
   * are written to the database before the first call, so a retry sends the same batch.
   */
  payBatch?(batchId: string, requests: PayoutRequest[]): Promise<PayoutOutcome>;
}
