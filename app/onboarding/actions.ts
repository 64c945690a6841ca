"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { dbReady } from "@/db/client";
import { SettingsInput } from "@/lib/merchants/settings";
import { AppError } from "@/lib/errors";
import { LocationInput } from "@/lib/locations/verbs";
import { createMerchant } from "@/lib/merchants/verbs";
import { userAction } from "../_server/action";
import { MERCHANT_COOKIE } from "../_server/session";

/** The settings form's fields, and a first location. */
const CreateBusinessInput = SettingsInput.extend({ location: LocationInput });

/** Step one of onboarding: the business, with its signed-in creator as owner and a first location. */
export const createBusinessAction = userAction("onboarding.createBusiness", { input: CreateBusinessInput }, async ({ input, user }) => {
  if (!user.email) throw new AppError("invalid", "Your account has no email address; sign in with email first.");
  const { merchant } = await createMerchant(
    await dbReady(),
    {
      name: input.name,
      ownerEmail: user.email,
      currency: input.currency,
      timezone: input.timezone,
      brandColor: input.brandColor,
      logoUrl: input.logoUrl ?? undefined,
      location: {
        name: input.location.name,
        address: input.location.address || undefined,
        latitude: input.location.latitude ?? undefined,
        longitude: input.location.longitude ?? undefined,
      },
    },
    undefined,
  );
  (await cookies()).set(MERCHANT_COOKIE, merchant.id, { httpOnly: true, sameSite: "lax", path: "/", maxAge: 365 * 86_400 });
  redirect("/onboarding?step=program");
});
