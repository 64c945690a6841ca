"use client";

import { useCallback, useState, type RefObject } from "react";
import { Camera } from "../camera";

/** The idle screen: the camera (one tap to open) or a typed member code, voucher code or email. */
export function ScanScreen({ onCode, input }: { onCode: (code: string) => void; input: RefObject<HTMLInputElement | null> }) {
  const [camera, setCamera] = useState(false);
  const [code, setCode] = useState("");
  // The camera restarts when its callback changes: keep this one stable.
  const onScanned = useCallback(
    (value: string) => {
      setCamera(false);
      onCode(value);
    },
    [onCode],
  );
  return (
    <>
      {camera ? (
        <Camera onCode={onScanned} onClose={() => setCamera(false)} />
      ) : (
        <button type="button" onClick={() => setCamera(true)} className="grid aspect-[4/3] place-items-center rounded-2xl bg-emerald-600 text-2xl font-bold text-white shadow-lg active:bg-emerald-700">
          <span>
            <span aria-hidden className="block text-5xl">⌗</span>
            Scan a card or voucher
          </span>
        </button>
      )}
      <form
        className="rounded-2xl bg-white p-4"
        onSubmit={(e) => {
          e.preventDefault();
          onCode(code);
        }}
      >
        <label htmlFor="manual-code" className="block text-sm font-medium text-gray-800">
          Or type the member code, voucher code or email
        </label>
        <div className="mt-2 flex gap-2">
          <input
            ref={input}
            id="manual-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            placeholder="K7QM-3XPA"
            className="min-w-0 flex-1 rounded-xl border border-gray-300 px-4 py-3 font-mono text-lg uppercase tracking-wider text-ink placeholder:normal-case placeholder:tracking-normal"
          />
          <button type="submit" className="rounded-xl bg-ink px-5 text-base font-semibold text-white">
            Find
          </button>
        </div>
      </form>
    </>
  );
}
