import { describe, expect, it } from "vitest";
import { billText } from "./service.ts";

// Intl separates groups and the symbol with no-break spaces: compare with plain ones.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("the bill's message", () => {
  it("shows the amount as the screens do: no kopecks when there are none, grouped the Russian way", () => {
    const text = billText({ description: "Заказ №12", amount: 56000, currency: "RUB", url: "https://pay.example/1" });
    expect(plain(text)).toBe("Заказ №12\nСумма: 560 ₽\nОплатить: https://pay.example/1");
    expect(plain(billText({ description: "Курс", amount: 150050, currency: "RUB", url: "u" }))).toContain("Сумма: 1 500,50 ₽");
    expect(plain(billText({ description: "Course", amount: 1200, currency: "EUR", url: "u" }))).toContain("Сумма: 12 €");
  });
});
