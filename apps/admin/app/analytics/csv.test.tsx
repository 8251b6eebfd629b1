import { describe, expect, it } from "vitest";
import { toCsv } from "./csv.ts";

describe("CSV for Excel", () => {
  it("starts with a BOM, separates by `;`, ends lines with CRLF and writes decimals with a comma", () => {
    expect(toCsv([["Сотрудник", "Минут"], ["Анна", 12.5], ["Олег", null]])).toBe("\uFEFFСотрудник;Минут\r\nАнна;12,5\r\nОлег;\r\n");
  });

  it("quotes cells with separators, quotes or line breaks, and keeps text from being read as a formula", () => {
    expect(toCsv([['ООО "Ромашка"; склад', "две\nстроки", "=HYPERLINK(1)", -3]])).toBe('\uFEFF"ООО ""Ромашка""; склад";"две\nстроки";\'=HYPERLINK(1);-3\r\n');
  });
});
