import { describe, expect, it } from "vitest";
import { csvNumber, toCsv } from "./csv.ts";

describe("CSV for Excel", () => {
  it("starts with a BOM, separates with `;`, quotes what needs it and defuses formulas", () => {
    const csv = toCsv([
      ["Источник", "Кампания", "Выручка"],
      ["vk_ads", 'Чёрная "пятница"; скидки', csvNumber(1500.5)],
      ["=HYPERLINK(1)", null, -3],
    ]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split("\r\n")).toEqual(["Источник;Кампания;Выручка", 'vk_ads;"Чёрная ""пятница""; скидки";1500,50', "'=HYPERLINK(1);;-3", ""]);
  });
});
