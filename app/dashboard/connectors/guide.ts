import type { ConnectorProvider } from "@/db/schema";

/** What each setup page tells the merchant to do in the provider's admin. */
export const GUIDES: Record<ConnectorProvider, { label: string; summary: string; secretLabel: string; steps: string[]; events: string }> = {
  shopify: {
    label: "Shopify",
    summary: "Paid orders earn; refunds take the points back. Through a custom app's webhooks.",
    secretLabel: "API secret key of the custom app",
    steps: [
      "In Shopify admin: Settings → Apps and sales channels → Develop apps → create a custom app (or open yours).",
      "Under Webhooks (API access → webhook subscriptions), add the two topics below with the URL above, format JSON.",
      "Copy the app's API secret key (it signs every webhook) into the field below.",
    ],
    events: "orders/paid (earns) and refunds/create (takes back). Customers are matched by the order's email, or else its phone, among your members.",
  },
  stripe: {
    label: "Stripe",
    summary: "Checkout sessions and charges earn; refunded charges take the points back. Your own account's webhooks.",
    secretLabel: "Signing secret (whsec_…)",
    steps: [
      "In the Stripe Dashboard of your own account: Developers → Webhooks → Add endpoint, with the URL above.",
      "Select the three events below.",
      "Reveal the endpoint's signing secret (whsec_…) and paste it below.",
    ],
    events:
      "checkout.session.completed and charge.succeeded (earn; a Checkout payment sends both and earns once, by its payment intent) and charge.refunded (takes back the refunded share). Customers are matched by the billing or Checkout email, or else the phone.",
  },
  square: {
    label: "Square",
    summary: "Completed payments earn; completed refunds take the points back. A webhook subscription of your Square app.",
    secretLabel: "Signature key of the subscription",
    steps: [
      "In the Square Developer Console: your application → Webhooks → Subscriptions → Add subscription, with the URL above (exactly: Square signs it).",
      "Select the events below.",
      "Copy the subscription's signature key into the field below.",
    ],
    events: "payment.updated (earns once the payment is COMPLETED, on the amount before tip), refund.created and refund.updated (take back once the refund is COMPLETED). Customers are matched by the buyer's email.",
  },
};

export const OUTCOME_LABEL: Record<string, string> = {
  earned: "earned",
  reversed: "taken back",
  duplicate: "duplicate",
  no_customer: "no matching customer",
  bad_signature: "bad signature",
  currency_mismatch: "currency mismatch",
  ignored: "ignored",
  refused: "refused",
  test: "test",
};
