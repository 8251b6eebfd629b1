import { describe, expect, it } from "vitest";
import reference from "./testdata/snowball-russian.json" with { type: "json" };
import { normalizeText, stemRussian, stems, tokenize } from "./stem.ts";

describe("stemRussian", () => {
  it("gives the reference Snowball stems", () => {
    // Stems produced by the reference Snowball implementation for the same words.
    const mismatches = Object.entries(reference as Record<string, string>).filter(([word, stem]) => stemRussian(word) !== stem);
    expect(mismatches).toEqual([]);
    expect(Object.keys(reference).length).toBeGreaterThan(200);
  });

  it("brings word forms to one stem", () => {
    expect(new Set(["доставка", "доставку", "доставки"].map(stemRussian))).toEqual(new Set(["доставк"]));
    expect(stemRussian("работаете")).toBe(stemRussian("работает"));
    expect(stemRussian("ЁЛОЧКА")).toBe(stemRussian("елочка"));
  });

  it("leaves words without Cyrillic letters alone", () => {
    expect(stemRussian("iphone")).toBe("iphone");
    expect(stemRussian("2024")).toBe("2024");
  });
});

describe("normalizeText and tokenize", () => {
  it("folds case, ё and white space", () => {
    expect(normalizeText("  Всё  ЕЩЁ\nработаете?  ")).toBe("все еще работаете?");
  });

  it("splits on punctuation and emoji", () => {
    expect(tokenize("Привет!!!Сколько-стоит🙂доставка?")).toEqual(["привет", "сколько", "стоит", "доставка"]);
  });

  it("drops stop words from stems", () => {
    expect(stems("А у вас есть доставка на дом?")).toEqual(["доставк", "дом"]);
  });
});
