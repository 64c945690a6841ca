"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { CreateApiKeyInput, createApiKey, revokeApiKey } from "@/lib/api-keys/verbs";
import { memberAction } from "../../_server/action";

export const createApiKeyAction = memberAction("apiKeys.create", { input: CreateApiKeyInput, permission: "api_keys:manage" }, async ({ ctx, input }) => {
  const { apiKey, key } = await createApiKey(ctx, input);
  revalidatePath("/dashboard/api-keys");
  // The only time the full key leaves the server.
  return { id: apiKey.id, name: apiKey.name, scopes: apiKey.scopes, locationId: apiKey.locationId, key };
});

export const revokeApiKeyAction = memberAction("apiKeys.revoke", { input: z.object({ apiKeyId: z.string().min(1).max(64) }).strict(), permission: "api_keys:manage" }, async ({ ctx, input }) => {
  await revokeApiKey(ctx, input.apiKeyId);
  revalidatePath("/dashboard/api-keys");
  return { id: input.apiKeyId };
});
