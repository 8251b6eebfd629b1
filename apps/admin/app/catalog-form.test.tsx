import { describe, expect, it } from "vitest";
import { optionsText, parseOptions, parsePrice } from "./catalog-form.ts";

describe("catalog form", () => {
  it("reads prices in roubles and kopecks, refusing zero, negative and words", () => {
    expect(parsePrice("220")).toBe(22000);
    expect(parsePrice("219,9")).toBe(21990);
    expect(parsePrice("219.90")).toBe(21990);
    expect(parsePrice("0")).toBeNull();
    expect(parsePrice("-5")).toBeNull();
    expect(parsePrice("двести")).toBeNull();
  });

  it("reads add-on lines and writes them back", () => {
    const parsed = parseOptions("Молоко: овсяное +40\nМолоко: миндальное +50,5\nсироп +30\nкорица");
    expect(parsed).toEqual({
      options: [
        { group: "Молоко", name: "овсяное", priceDeltaMinor: 4000 },
        { group: "Молоко", name: "миндальное", priceDeltaMinor: 5050 },
        { name: "сироп", priceDeltaMinor: 3000 },
        { name: "корица", priceDeltaMinor: 0 },
      ],
    });
    expect(optionsText((parsed as { options: { group?: string; name: string; priceDeltaMinor: number }[] }).options.map((o) => ({ group: o.group ?? "", ...o })))).toBe("Молоко: овсяное +40\nМолоко: миндальное +50,50\nсироп +30\nкорица");
    expect(parseOptions("Молоко: +40")).toEqual({ badLine: "Молоко: +40" });
  });
});
