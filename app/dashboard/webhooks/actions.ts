"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { EndpointInput, createEndpoint, replayDelivery, rotateEndpointSecret, setEndpointActive } from "@/lib/webhooks/endpoints";
import { memberAction } from "../../_server/action";

const id = z.string().min(1).max(64);

export const createEndpointAction = memberAction("webhooks.create", { input: EndpointInput, permission: "webhooks:manage" }, async ({ ctx, input }) => {
  const endpoint = await createEndpoint(ctx, input);
  revalidatePath("/dashboard/webhooks");
  // The only time the signing secret leaves the server.
  return { id: endpoint.id, url: endpoint.url, secret: endpoint.secret };
});

export const setEndpointActiveAction = memberAction(
  "webhooks.setActive",
  { input: z.object({ endpointId: id, active: z.boolean() }).strict(), permission: "webhooks:manage" },
  async ({ ctx, input }) => {
    const endpoint = await setEndpointActive(ctx, input.endpointId, input.active);
    revalidatePath("/dashboard/webhooks");
    return { id: endpoint.id, active: endpoint.active };
  },
);

export const replayDeliveryAction = memberAction("webhooks.replay", { input: z.object({ deliveryId: id }).strict(), permission: "webhooks:manage" }, async ({ ctx, input }) => {
  const delivery = await replayDelivery(ctx, input.deliveryId);
  revalidatePath("/dashboard/webhooks");
  return { id: delivery.id, status: delivery.status };
});

export const rotateEndpointSecretAction = memberAction("webhooks.rotateSecret", { input: z.object({ endpointId: id }).strict(), permission: "webhooks:manage" }, async ({ ctx, input }) => {
  const { secret, previousValidUntil } = await rotateEndpointSecret(ctx, input.endpointId);
  revalidatePath("/dashboard/webhooks");
  // The only time the new signing secret leaves the server.
  return { endpointId: input.endpointId, secret, previousValidUntil: previousValidUntil.toISOString() };
});
