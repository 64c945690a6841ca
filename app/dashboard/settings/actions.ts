"use server";

import { revalidatePath } from "next/cache";
import { SettingsInput, updateSettings } from "@/lib/merchants/settings";
import { memberAction } from "../../_server/action";

export const updateSettingsAction = memberAction("settings.update", { input: SettingsInput, permission: "settings:write" }, async ({ ctx, input }) => {
  const merchant = await updateSettings(ctx, input);
  revalidatePath("/dashboard", "layout");
  return { name: merchant.name };
});
