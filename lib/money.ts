/**
 * Money: integer minor units with an ISO 4217 currency. This module is the only place that knows
 * how many minor units make a major one; nothing else multiplies or divides by 100.
 */
import { z } from "zod";

/** ISO 4217 minor-unit exponents that are not 2 (the list-one table, as published by SIX). */
const EXPONENTS: Readonly<Record<string, number>> = {
  // no minor unit
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  // thousandths
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  // ten-thousandths
  CLF: 4, UYW: 4,
};

const KNOWN = new Set(Intl.supportedValuesOf("currency"));

/** A three-letter ISO 4217 code that this runtime knows, upper-cased. */
export const CurrencyCode = z
  .string()
  .trim()
  .toUpperCase()
  .refine((c) => KNOWN.has(c), "an ISO 4217 currency code");

/** How many minor units a major unit has, as a power of ten: JPY 0, USD 2, KWD 3. */
export function currencyExponent(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

/** Minor units to major units as a number (for display maths and for providers that want decimals). */
export function toMajor(minor: number, currency: string): number {
  return minor / 10 ** currencyExponent(currency);
}

/** Major units (a number a person typed or a provider sent) to integer minor units, rounded half away from zero. */
export function toMinor(major: number, currency: string): number {
  const scaled = major * 10 ** currencyExponent(currency);
  return Math.sign(scaled) * Math.round(Math.abs(scaled) + Number.EPSILON * Math.abs(scaled));
}

/**
 * Parses what a person typed ("1,250", "12.50", "12,5", "¥1,250", "3.125") into minor units of the
 * currency, or null when it is not an amount or has more decimals than the currency allows.
 * With both "." and "," the last one is the decimal mark. With one of them: repeated, it groups
 * thousands; a single "," followed by exactly three digits groups thousands unless the currency
 * has three decimals (KWD "3,125"); otherwise it is the decimal mark, so "12.345" in dollars is
 * refused rather than read as twelve thousand.
 */
export function parseAmount(typed: string, currency: string): number | null {
  const exponent = currencyExponent(currency);
  let text = typed.replace(/[\s\u00a0\u202f']/g, "").replace(/^[^\d.,-]+|[^\d.,]+$/g, "");
  const negative = text.startsWith("-");
  if (negative) text = text.slice(1);
  if (!/^[\d.,]+$/.test(text)) return null;
  const marks = [...new Set(text.replace(/\d/g, ""))];
  let decimalMark: string | null = null;
  if (marks.length === 2) decimalMark = text.lastIndexOf(".") > text.lastIndexOf(",") ? "." : ",";
  else if (marks.length === 1) {
    const mark = marks[0]!;
    const count = text.split(mark).length - 1;
    const groupsThousands = count > 1 || (mark === "," && /,\d{3}$/.test(text) && exponent !== 3);
    decimalMark = groupsThousands ? null : mark;
  }
  const [whole = "", fraction = ""] = decimalMark ? [text.slice(0, text.lastIndexOf(decimalMark)), text.slice(text.lastIndexOf(decimalMark) + 1)] : [text];
  const digits = whole.replace(/[.,]/g, "");
  if (!/^\d*$/.test(fraction) || (digits === "" && fraction === "")) return null;
  if (decimalMark && /[.,]/.test(whole) && !/^\d{1,3}([.,]\d{3})*$/.test(whole)) return null;
  if (!decimalMark && marks.length === 1 && !/^\d{1,3}([.,]\d{3})+$/.test(text)) return null;
  if (fraction.length > exponent) return null;
  const minor = Number(digits || "0") * 10 ** exponent + Number(fraction.padEnd(exponent, "0") || "0");
  if (!Number.isSafeInteger(minor)) return null;
  return negative ? -minor : minor;
}

const formatters = new Map<string, Intl.NumberFormat>();

/** Formats minor units for people: formatMoney(125000, "JPY") is "¥125,000", formatMoney(1250, "USD", "de-DE") is "12,50 $". */
export function formatMoney(minor: number, currency: string, locale = "en-US"): string {
  const code = currency.toUpperCase();
  const key = `${locale}|${code}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const exponent = currencyExponent(code);
    formatter = new Intl.NumberFormat(locale, { style: "currency", currency: code, minimumFractionDigits: exponent, maximumFractionDigits: exponent });
    formatters.set(key, formatter);
  }
  return formatter.format(toMajor(minor, code));
}

/**
 * A provider's machine decimal string ("25.00", "1250", "3.125": digits, at most one ".") to minor
 * units, or null when it is not one or has more decimals than the currency has (after dropping
 * trailing zeros: Shopify's "1250.00" in JPY is 1250). The inverse of formatDecimal.
 */
export function decimalToMinor(decimal: string, currency: string): number | null {
  const match = /^(\d{1,15})(?:\.(\d{1,15}))?$/.exec(decimal.trim());
  if (!match) return null;
  const exponent = currencyExponent(currency);
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > exponent) return null;
  const minor = Number(match[1]) * 10 ** exponent + Number(fraction.padEnd(exponent, "0") || "0");
  return Number.isSafeInteger(minor) ? minor : null;
}

/** The amount as a plain decimal string with the currency's digits, for CSV files and provider APIs: "12.50", "1250", "3.125". */
export function formatDecimal(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(minor));
  if (exponent === 0) return `${sign}${abs}`;
  const text = String(abs).padStart(exponent + 1, "0");
  return `${sign}${text.slice(0, -exponent)}.${text.slice(-exponent)}`;
}

/** The step an <input type="number"> should use for this currency: 1, 0.01, 0.001. */
export function inputStep(currency: string): string {
  const exponent = currencyExponent(currency);
  return exponent === 0 ? "1" : `0.${"0".repeat(exponent - 1)}1`;
}

/** Minor units as millionths of the major unit (Google Wallet's `micros`), exactly: 1250 JPY is 1,250,000,000. */
export function toMicros(minor: number, currency: string): number {
  const exponent = currencyExponent(currency);
  return exponent <= 6 ? minor * 10 ** (6 - exponent) : Math.round(minor / 10 ** (exponent - 6));
}

/** An example of a typed amount in this currency, for placeholders: "12.50", "13", "12.500". */
export function amountExample(currency: string): string {
  return formatDecimal(toMinor(12.5, currency), currency);
}

/** How many decimals a typed amount may have, in words: "JPY amounts have no decimals", "KWD amounts have up to 3 decimals". */
export function decimalsRule(currency: string): string {
  const code = currency.toUpperCase();
  const exponent = currencyExponent(code);
  return exponent === 0 ? `${code} amounts have no decimals` : `${code} amounts have up to ${exponent} decimals`;
}
