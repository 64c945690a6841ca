import type { PayoutSettings } from "../../../db/schema";
import { paypalProvider } from "./paypal";
import { stripeProvider } from "./stripe";
import type { PayoutProvider } from "./types";
import { manualProvider, webhookProvider } from "./webhook";

export type { PayoutOutcome, PayoutProvider, PayoutRequest } from "./types";
export { manualProvider, webhookProvider } from "./webhook";

/** The provider a program's payout settings name. */
export function providerFor(settings: PayoutSettings): PayoutProvider {
  switch (settings.provider) {
    case "webhook":
      return webhookProvider(settings);
    case "stripe":
      return stripeProvider();
    case "paypal":
      return paypalProvider();
    case "manual":
      return manualProvider;
  }
}
