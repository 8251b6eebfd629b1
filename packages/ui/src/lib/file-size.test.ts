import { afterEach, describe, expect, it } from "vitest";
import { i18next } from "../i18n/index.ts";
import { fileSize } from "./file-size.ts";

afterEach(() => i18next.changeLanguage("ru"));

describe("a file's size, one way everywhere", () => {
  it("in Russian: bytes, whole kilobytes, megabytes to a tenth with a comma", async () => {
    await i18next.changeLanguage("ru");
    expect(fileSize(500)).toBe("500 Б");
    expect(fileSize(1024)).toBe("1 КБ");
    expect(fileSize(12_700)).toBe("12 КБ");
    expect(fileSize(1_572_864)).toBe("1,5 МБ");
    // Just under a megabyte reads as one, not «1024 КБ».
    expect(fileSize(1024 * 1024 - 100)).toBe("1,0 МБ");
  });

  it("in English: a point and English units", async () => {
    await i18next.changeLanguage("en");
    expect(fileSize(500)).toBe("500 B");
    expect(fileSize(12_700)).toBe("12 KB");
    expect(fileSize(1_572_864)).toBe("1.5 MB");
  });

  it("nothing for an unknown size", () => {
    expect(fileSize(null)).toBe("");
    expect(fileSize(undefined)).toBe("");
    expect(fileSize(Number.NaN)).toBe("");
  });
});
