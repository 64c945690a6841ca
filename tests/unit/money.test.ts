import { describe, expect, it } from "vitest";
import { amountExample, currencyExponent, decimalToMinor, decimalsRule, formatDecimal, formatMoney, inputStep, parseAmount, toMajor, toMicros, toMinor } from "@/lib/money";

describe("money", () => {
  it("knows ISO 4217 exponents", () => {
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("usd")).toBe(2);
    expect(currencyExponent("KWD")).toBe(3);
    expect(currencyExponent("EUR")).toBe(2);
  });

  it("parses typed amounts into minor units of the currency", () => {
    expect(parseAmount("1250", "JPY")).toBe(1250);
    expect(parseAmount("1,250", "JPY")).toBe(1250);
    expect(parseAmount("¥1,250", "JPY")).toBe(1250);
    expect(parseAmount("12.50", "USD")).toBe(1250);
    expect(parseAmount("12,5", "EUR")).toBe(1250);
    expect(parseAmount("1.234,56", "EUR")).toBe(123456);
    expect(parseAmount("1,234.56", "USD")).toBe(123456);
    expect(parseAmount("$ 7", "USD")).toBe(700);
    expect(parseAmount("3.125", "KWD")).toBe(3125);
    expect(parseAmount("3,125", "KWD")).toBe(3125);
    expect(parseAmount("1,000,000", "USD")).toBe(100000000);
    expect(parseAmount("-2.5", "USD")).toBe(-250);
  });

  it("refuses what is not an amount or has too many decimals", () => {
    expect(parseAmount("", "USD")).toBeNull();
    expect(parseAmount("abc", "USD")).toBeNull();
    expect(parseAmount("12.5", "JPY")).toBeNull();
    expect(parseAmount("1.2345", "KWD")).toBeNull();
    expect(parseAmount("12.345", "USD")).toBeNull(); // a typo, not twelve thousand dollars
    expect(parseAmount("1,23,4", "USD")).toBeNull();
    expect(parseAmount("1.2.3", "USD")).toBeNull();
  });

  it("converts and formats for a locale", () => {
    expect(toMajor(125000, "JPY")).toBe(125000);
    expect(toMajor(1250, "USD")).toBe(12.5);
    expect(toMinor(12.345, "KWD")).toBe(12345);
    expect(toMinor(0.29, "USD")).toBe(29);
    expect(formatMoney(1250, "JPY")).toBe("¥1,250");
    expect(formatMoney(1250, "USD")).toBe("$12.50");
    expect(formatMoney(3125, "KWD")).toMatch(/KWD\s?3\.125/);
    expect(formatMoney(1250, "EUR", "de-DE")).toBe("12,50\u00a0€");
    expect(formatDecimal(1250, "USD")).toBe("12.50");
    expect(formatDecimal(5, "USD")).toBe("0.05");
    expect(formatDecimal(1250, "JPY")).toBe("1250");
    expect(formatDecimal(3125, "KWD")).toBe("3.125");
    expect(formatDecimal(-7, "KWD")).toBe("-0.007");
    expect(inputStep("JPY")).toBe("1");
    expect(inputStep("USD")).toBe("0.01");
    expect(inputStep("KWD")).toBe("0.001");
  });

  it("gives Google's micros exactly, and tells a cashier what the currency allows", () => {
    expect(toMicros(1250, "JPY")).toBe(1_250_000_000);
    expect(toMicros(1250, "USD")).toBe(12_500_000);
    expect(toMicros(3125, "KWD")).toBe(3_125_000);
    expect(amountExample("USD")).toBe("12.50");
    expect(amountExample("JPY")).toBe("13");
    expect(amountExample("KWD")).toBe("12.500");
    expect(decimalsRule("jpy")).toBe("JPY amounts have no decimals");
    expect(decimalsRule("KWD")).toBe("KWD amounts have up to 3 decimals");
  });

  it("reads a provider's decimal string in the currency's minor units, refusing what it cannot be", () => {
    expect(decimalToMinor("42.50", "USD")).toBe(4250);
    expect(decimalToMinor("42.5", "USD")).toBe(4250);
    expect(decimalToMinor("1250", "JPY")).toBe(1250);
    expect(decimalToMinor("1250.00", "JPY")).toBe(1250);
    expect(decimalToMinor("3.125", "KWD")).toBe(3125);
    expect(decimalToMinor("12.345", "USD")).toBeNull();
    expect(decimalToMinor("1,250.00", "USD")).toBeNull();
    expect(decimalToMinor("-5.00", "USD")).toBeNull();
    expect(decimalToMinor("", "USD")).toBeNull();
    expect(formatDecimal(decimalToMinor("19.99", "EUR")!, "EUR")).toBe("19.99");
  });
});
