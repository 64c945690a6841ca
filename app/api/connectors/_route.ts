import { dbReady } from "@/db/client";
import type { ConnectorProvider } from "@/db/schema";
import { EntityId } from "@/lib/ids";
import { AppError } from "@/lib/errors";
import { connectorWebhookUrl } from "@/lib/integrations/connectors";
import { receiveDelivery } from "@/lib/integrations/receive";
import { json, problemResponse } from "@/app/api/_http/problem";

/** Larger than any order, charge or payment event the providers send. */
const MAX_BODY_BYTES = 512 * 1024;

/**
 * The webhook endpoint of one provider's connectors: the raw body and headers go to the pipeline
 * (lib/integrations/receive.ts) with the URL rebuilt from APP_URL, which is what the merchant pasted
 * and what Square signs. 200 with the outcome for anything verified (a provider retries anything
 * else); 401 for a bad signature; 404 for an address no connector has.
 */
export function connectorRoute(provider: ConnectorProvider) {
  return async (request: Request, route: { params: Promise<{ connectorId: string }> }): Promise<Response> => {
    try {
      const id = EntityId.safeParse((await route.params).connectorId);
      if (!id.success) throw new AppError("not_found", "No connector has this address.");
      const length = Number(request.headers.get("content-length") ?? "0");
      if (length > MAX_BODY_BYTES) throw new AppError("invalid", "The body is too large.");
      const rawBody = await request.text();
      if (Buffer.byteLength(rawBody) > MAX_BODY_BYTES) throw new AppError("invalid", "The body is too large.");
      const url = connectorWebhookUrl({ id: id.data, provider });
      const received = await receiveDelivery(await dbReady(), { provider, connectorId: id.data, delivery: { url, headers: request.headers, rawBody } });
      if (received.status === 404) throw new AppError("not_found", received.message);
      if (received.status === 401) throw new AppError("unauthorized", received.message);
      return json(200, { outcome: received.outcome, message: received.message });
    } catch (error) {
      return problemResponse(error);
    }
  };
}
