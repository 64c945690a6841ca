"use client";

import { useAction } from "@/components/use-action";
import { signOutAction } from "../../dashboard/account-actions";

export function SignOutButton() {
  const out = useAction(signOutAction);
  return (
    <button type="button" onClick={() => out.run({})} disabled={out.pending} className="font-medium text-gray-800 underline hover:text-ink">
      {out.pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
