"use client";

import Link from "next/link";
import { Select, byName } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { signOutAction, switchMerchant } from "./account-actions";

export function AccountMenu({ email, merchants, current }: { email: string; merchants: { id: string; name: string }[]; current: string }) {
  const out = useAction(signOutAction);
  const sw = useAction(switchMerchant, { refresh: true });
  return (
    <div className="space-y-3 border-t border-gray-200 pt-4 text-sm">
      {merchants.length > 1 ? (
        <div>
          <label htmlFor="merchant-switch" className="mb-1 block text-xs font-medium text-gray-600">
            Business
          </label>
          <Select id="merchant-switch" value={current} disabled={sw.pending} onChange={(e) => sw.run({ merchantId: e.target.value })} options={byName(merchants)} />
        </div>
      ) : null}
      <p className="truncate text-gray-600" title={email}>
        {email}
      </p>
      <Link href="/account/security" className="block font-medium text-gray-800 underline hover:text-ink">
        Sign-in and security
      </Link>
      <button type="button" onClick={() => out.run({})} disabled={out.pending} className="font-medium text-gray-800 underline hover:text-ink">
        {out.pending ? "Signing out…" : "Sign out"}
      </button>
    </div>
  );
}
