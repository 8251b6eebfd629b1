import { describe, expect, it } from "vitest";
import { i18next } from "../i18n/index.ts";
import { nestQuotes, quoted } from "./quote.ts";

describe("quotation marks", () => {
  it("puts a name in «ёлочки» and nests „лапки“ inside", () => {
    expect(quoted("Зерно")).toBe("«Зерно»");
    expect(quoted("Кофейня «Зерно»")).toBe("«Кофейня „Зерно“»");
    expect(quoted("«Флокс» и «Ромашка»")).toBe("«„Флокс“ и „Ромашка“»");
    expect(nestQuotes("Канал «Кофейня «Зерно»» подключён, «второй» тоже")).toBe("Канал «Кофейня „Зерно“» подключён, «второй» тоже");
  });

  it("every translated text nests them, whatever name it is given", () => {
    expect(i18next.getFixedT("ru")("import.cancelText", { name: "Кофейня «Зерно»" })).toBe("Импорт канала «Кофейня „Зерно“» прекратится. Уже перенесённые сообщения останутся.");
  });
});
