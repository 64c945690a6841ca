"use client";

import { useState } from "react";
import { Field, Input, Select } from "./ui";

export type BusinessValue = {
  name: string;
  brandColor: string;
  currency: string;
  timezone: string;
  logoUrl: string | null;
  // On the back of the wallet passes (settings only; onboarding leaves them out).
  websiteUrl?: string;
  phone?: string;
  termsUrl?: string;
};

// The usual ones first; lib/money knows the decimals of each (JPY none, KWD three).
const CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "JPY", "KRW", "CNY", "HKD", "TWD", "NZD", "SGD", "INR", "AED", "SAR", "KWD", "BHD", "OMR", "JOD", "BRL", "MXN", "CLP", "ZAR"];

function timeZones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf("timeZone");
  } catch {
    return ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney"];
  }
}

/** Shrinks an uploaded logo to at most 256 px as PNG, so it fits a wallet pass and the database. */
async function toLogoDataUrl(file: File): Promise<string> {
  if (file.type === "image/svg+xml") {
    if (file.size > 100_000) throw new Error("That SVG is too large; use one under 100 KB.");
    return `data:image/svg+xml;base64,${btoa(String.fromCharCode(...new Uint8Array(await file.arrayBuffer())))}`;
  }
  if (!/^image\/(png|jpeg|webp|gif)$/.test(file.type)) throw new Error("Choose a PNG, JPEG, WebP or SVG image.");
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 256 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext("2d")!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL("image/png");
}

export function BusinessFields({ value, onChange, errors }: { value: BusinessValue; onChange: (v: BusinessValue) => void; errors: Record<string, string> }) {
  const [logoError, setLogoError] = useState<string | null>(null);
  const set = (patch: Partial<BusinessValue>) => onChange({ ...value, ...patch });
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field label="Business name" htmlFor="biz-name" error={errors.name}>
        <Input id="biz-name" value={value.name} onChange={(e) => set({ name: e.target.value })} maxLength={80} placeholder="Bean There Coffee" aria-invalid={Boolean(errors.name)} />
      </Field>
      <Field label="Logo" htmlFor="biz-logo" hint="PNG, JPEG, WebP or SVG. We shrink it for you." error={logoError ?? errors.logoUrl}>
        <div className="flex items-center gap-3">
          {value.logoUrl ? (
            // eslint-disable-next-line @next/next/no-img-element
            <img src={value.logoUrl} alt="Your logo" className="size-10 rounded-lg border border-gray-200 object-contain" />
          ) : null}
          <input
            id="biz-logo"
            type="file"
            accept="image/png,image/jpeg,image/webp,image/svg+xml"
            className="block w-full text-sm file:mr-3 file:rounded-lg file:border-0 file:bg-gray-100 file:px-3 file:py-2 file:text-sm file:font-medium"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              try {
                setLogoError(null);
                set({ logoUrl: await toLogoDataUrl(file) });
              } catch (err) {
                setLogoError(err instanceof Error ? err.message : "That image could not be read.");
              }
            }}
          />
          {value.logoUrl ? (
            <button type="button" className="text-sm underline" onClick={() => set({ logoUrl: null })}>
              Remove
            </button>
          ) : null}
        </div>
      </Field>
      <Field label="Brand colour" htmlFor="biz-color" error={errors.brandColor}>
        <div className="flex items-center gap-2">
          <input type="color" aria-label="Brand colour picker" value={value.brandColor} onChange={(e) => set({ brandColor: e.target.value })} className="h-9 w-12 cursor-pointer rounded border border-gray-300" />
          <Input id="biz-color" value={value.brandColor} onChange={(e) => set({ brandColor: e.target.value })} maxLength={7} className="font-mono" />
        </div>
      </Field>
      <Field label="Currency" htmlFor="biz-currency" error={errors.currency}>
        <Select id="biz-currency" value={value.currency} onChange={(e) => set({ currency: e.target.value })}>
          {[...new Set([value.currency, ...CURRENCIES])].map((c) => (
            <option key={c}>{c}</option>
          ))}
        </Select>
      </Field>
      <Field label="Time zone" htmlFor="biz-tz" hint="Days in reports and happy hours follow it." error={errors.timezone}>
        <Select id="biz-tz" value={value.timezone} onChange={(e) => set({ timezone: e.target.value })}>
          {[...new Set([value.timezone, ...timeZones()])].map((tz) => (
            <option key={tz}>{tz}</option>
          ))}
        </Select>
      </Field>
      {value.websiteUrl !== undefined ? (
        <>
          <Field label="Website" htmlFor="biz-website" hint="On the back of your customers' wallet passes. https only." error={errors.websiteUrl}>
            <Input id="biz-website" type="url" inputMode="url" value={value.websiteUrl} onChange={(e) => set({ websiteUrl: e.target.value })} maxLength={500} placeholder="https://beanthere.example" aria-invalid={Boolean(errors.websiteUrl)} />
          </Field>
          <Field label="Phone" htmlFor="biz-phone" hint="Customers can call it from the pass." error={errors.phone}>
            <Input id="biz-phone" type="tel" inputMode="tel" value={value.phone ?? ""} onChange={(e) => set({ phone: e.target.value })} maxLength={30} placeholder="+1 555 010 0199" aria-invalid={Boolean(errors.phone)} />
          </Field>
          <Field label="Terms of your loyalty program" htmlFor="biz-terms" hint="A link to your terms, shown on the pass. https only." error={errors.termsUrl}>
            <Input id="biz-terms" type="url" inputMode="url" value={value.termsUrl ?? ""} onChange={(e) => set({ termsUrl: e.target.value })} maxLength={500} placeholder="https://beanthere.example/loyalty-terms" aria-invalid={Boolean(errors.termsUrl)} />
          </Field>
        </>
      ) : null}
    </div>
  );
}
