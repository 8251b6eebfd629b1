import { describe, expect, it } from "vitest";
import { formatMoney as sentToClients } from "@threadline/domain/money.ts";
import { formatMoney, formatMoneyOrDash } from "./money.ts";

// Intl separates groups and the symbol with no-break spaces: compare with plain ones.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("formatMoney", () => {
  it("shows whole amounts without kopecks and others with two digits, grouped the Russian way", () => {
    expect(plain(formatMoney(250000, "RUB"))).toBe("2 500 ₽");
    expect(plain(formatMoney(150050, "RUB"))).toBe("1 500,50 ₽");
    expect(plain(formatMoney(5, "RUB"))).toBe("0,05 ₽");
  });

  it("uses the currency it is given", () => {
    expect(plain(formatMoney(1200, "EUR"))).toBe("12 €");
    expect(plain(formatMoney(1999, "USD"))).toBe("19,99 $");
  });

  it("is the very formatter the server writes bills and order messages with", () => {
    expect(formatMoney).toBe(sentToClients);
  });

  it("a missing figure is a dash", () => {
    expect(formatMoneyOrDash(null, "RUB")).toBe("—");
    expect(plain(formatMoneyOrDash(0, "EUR"))).toBe("0 €");
  });
});
