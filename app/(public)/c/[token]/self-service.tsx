import { dbReady } from "@/db/client";
import { SelfService } from "@/components/card/self-service";
import { ownProfile } from "@/lib/customers/self-service";
import type { Translator } from "@/lib/i18n";
import { requestOwnDeletion, saveOwnDetails, saveOwnPreferences } from "./self-service-actions";

/** The card page's self-service section: details, email preferences, download and deletion of the holder's data. */
export async function CardSelfService({ token, tr }: { token: string; tr: Translator }) {
  const profile = await ownProfile(await dbReady(), token);
  if (!profile) return null;
  return (
    <SelfService
      token={token}
      customer={profile}
      actions={{ saveDetails: saveOwnDetails, savePreferences: saveOwnPreferences, requestDeletion: requestOwnDeletion }}
      texts={{
        title: tr.t("self.title"),
        name: tr.t("self.name"),
        nameError: tr.t("self.name.error"),
        birthday: tr.t("self.birthday"),
        birthdayHint: tr.t("self.birthday.hint"),
        birthdayError: tr.t("self.birthday.error"),
        save: tr.t("self.save"),
        saved: tr.t("self.saved"),
        email: tr.t("self.email"),
        prefsTitle: tr.t("self.prefs.title"),
        marketing: tr.t("self.prefs.marketing"),
        prefsHint: tr.t("self.prefs.hint"),
        prefsSave: tr.t("self.prefs.save"),
        prefsOn: tr.t("self.prefs.on"),
        prefsOff: tr.t("self.prefs.off"),
        dataTitle: tr.t("self.data.title"),
        download: tr.t("self.data.download"),
        downloadHint: tr.t("self.data.download.hint"),
        remove: tr.t("self.data.delete"),
        removeHint: tr.t("self.data.delete.hint"),
        removeSent: tr.t("self.data.delete.sent"),
        removeBusy: tr.t("self.data.delete.busy"),
      }}
    />
  );
}
