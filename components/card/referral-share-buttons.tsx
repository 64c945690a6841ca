"use client";

import { useState, useSyncExternalStore } from "react";

const subscribe = () => () => {};

/** The share link in a field, with Copy and (where the phone offers it) the system share sheet. */
export function ReferralShareButtons({ link, shareText, texts }: { link: string; shareText: string; texts: { label: string; copy: string; copied: string; share: string } }) {
  const [copied, setCopied] = useState(false);
  // The server and the first render say no; a browser with a share sheet then shows the button.
  const canShare = useSyncExternalStore(subscribe, () => typeof navigator.share === "function", () => false);
  return (
    <div className="w-full min-w-0 space-y-2">
      <label className="sr-only" htmlFor="referral-link">
        {texts.label}
      </label>
      <input
        id="referral-link"
        readOnly
        value={link}
        onFocus={(e) => e.currentTarget.select()}
        className="block w-full rounded-lg border border-gray-300 bg-gray-50 px-3 py-2 font-mono text-xs text-gray-800"
        data-testid="referral-link"
      />
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          className="rounded-lg border border-gray-300 bg-white px-4 py-2 text-sm font-medium text-gray-900 hover:bg-gray-50"
          onClick={async () => {
            await navigator.clipboard?.writeText(link).catch(() => {});
            setCopied(true);
          }}
        >
          {texts.copy}
        </button>
        {canShare ? (
          <button
            type="button"
            className="rounded-lg bg-gray-900 px-4 py-2 text-sm font-medium text-white hover:bg-gray-700"
            onClick={() => navigator.share({ title: shareText, text: shareText, url: link }).catch(() => {})}
          >
            {texts.share}
          </button>
        ) : null}
      </div>
      <p aria-live="polite" className="text-sm text-brand-700">
        {copied ? texts.copied : ""}
      </p>
    </div>
  );
}
