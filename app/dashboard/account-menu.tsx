"use client";

import { useRouter } from "next/navigation";
import { Select } from "@/components/ui";
import { useAction } from "@/components/use-action";
import { signOutAction, switchMerchant } from "./account-actions";

export function AccountMenu({ email, merchants, current }: { email: string; merchants: { id: string; name: string }[]; current: string }) {
  const router = useRouter();
  const out = useAction(signOutAction);
  const sw = useAction(switchMerchant);
  return (
    <div className="space-y-3 border-t border-gray-200 pt-4 text-sm">
      {merchants.length > 1 ? (
        <div>
          <label htmlFor="merchant-switch" className="mb-1 block text-xs font-medium text-gray-600">
            Business
          </label>
          <Select
            id="merchant-switch"
            value={current}
            disabled={sw.pending}
            onChange={async (e) => {
              const r = await sw.run({ merchantId: e.target.value });
              if (r.ok) router.refresh();
            }}
          >
            {merchants.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </Select>
        </div>
      ) : null}
      <p className="truncate text-gray-600" title={email}>
        {email}
      </p>
      <button type="button" onClick={() => out.run({})} disabled={out.pending} className="font-medium text-gray-800 underline hover:text-ink">
        {out.pending ? "Signing out…" : "Sign out"}
      </button>
    </div>
  );
}
