import { describe, expect, it } from "vitest";
import { findPhone, findPhoneInMessages, formatPhone, joinSplitPhone, parsePhoneField } from "./phone.ts";

const e164 = (text: string, options = {}) => {
  const finding = findPhone(text, options);
  return finding.kind === "valid" ? finding.e164 : finding.kind;
};

describe("findPhone: Russian formats", () => {
  it.each([
    ["8 912 345-67-89", "+79123456789"],
    ["+7(912)3456789", "+79123456789"],
    ["89123456789", "+79123456789"],
    ["912 345 67 89", "+79123456789"],
    ["+7 912 345 67 89", "+79123456789"],
    ["8 (912) 345-67-89", "+79123456789"],
    ["7 912 345 67 89", "+79123456789"],
    ["+7-912-345-67-89", "+79123456789"],
    ["8.912.345.67.89", "+79123456789"],
    ["Перезвоните мне, пожалуйста: 8 (912) 345-67-89", "+79123456789"],
    ["мой номер +7 921 000-11-22, звоните после 18", "+79210001122"],
    ["Казань, звоните на городской 8 843 231-12-12", "+78432311212"],
    ["мой номер 8 912 345 67 89 2 торта на субботу", "+79123456789"],
  ])("%s → %s", (text, expected) => {
    expect(e164(text)).toBe(expected);
  });
});

describe("findPhone: other countries", () => {
  it.each([
    ["+375 29 123-45-67", "+375291234567"],
    ["я из Минска, 375291234567", "+375291234567"],
    ["+49 151 23456789", "+4915123456789"],
    ["0049 151 23456789", "+4915123456789"],
    ["+1 202 555 0143", "+12025550143"],
  ])("%s → %s", (text, expected) => {
    expect(e164(text)).toBe(expected);
  });
});

describe("findPhone: what is not a phone", () => {
  it("says a short number looks wrong", () => {
    expect(findPhone("Перезвоните мне: 12345")).toEqual({ kind: "invalid", raw: "12345", reason: "too_short" });
    expect(findPhone("12345", { expectingPhone: true })).toMatchObject({ kind: "invalid", reason: "too_short" });
  });

  it("recognises a bank card number and never takes it for a phone", () => {
    expect(findPhone("номер карты 4276 1600 1234 5678")).toMatchObject({ kind: "invalid", reason: "card_number" });
    expect(findPhone("4276160012345678", { expectingPhone: true })).toMatchObject({ kind: "invalid", reason: "card_number" });
    expect(findPhone("перевёл на 4276 1600 1234 5678 вчера").kind).not.toBe("valid");
  });

  it("rejects phone-shaped digits that match no numbering plan", () => {
    expect(findPhone("89001234")).toMatchObject({ kind: "invalid", reason: "too_short" });
    expect(findPhone("+7 012 345 67 89")).toMatchObject({ kind: "invalid" });
    expect(findPhone("+7 912")).toMatchObject({ kind: "invalid", reason: "too_short" });
  });

  it("does not take a hotline for a personal number", () => {
    expect(findPhone("звоните 8 800 555-35-35")).toMatchObject({ kind: "invalid", reason: "service_number" });
  });

  it("does not take an order number abroad without a plus", () => {
    expect(findPhone("12345678901").kind).not.toBe("valid");
  });

  it.each([
    "скидка от 20 кг?",
    "с 8:00 до 22:00",
    "бюджет 50000 рублей",
    "заказ №1234567",
    "приеду 12.05.2025",
    "торт на 3 кг за 5400 ₽",
    "Привет",
    "",
  ])("finds nothing in %j", (text) => {
    expect(findPhone(text)).toEqual({ kind: "none" });
  });

  it("stays fast and bounded on a long run of digits", () => {
    const finding = findPhone("1 ".repeat(2500));
    expect(finding.kind).toBe("invalid");
    if (finding.kind === "invalid") expect(finding.raw.length).toBeLessThanOrEqual(25);
  });
});

describe("numbers split over two messages", () => {
  it("joins the end of one message and the start of the next", () => {
    expect(joinSplitPhone("мой номер 8 912", "345-67-89")).toMatchObject({ kind: "valid", e164: "+79123456789" });
    expect(joinSplitPhone("+7 912 345", "67 89 это я")).toMatchObject({ kind: "valid", e164: "+79123456789" });
  });

  it("does not join numbers that words separate", () => {
    expect(joinSplitPhone("заказ на 8 912 штук", "345-67-89").kind).toBe("none");
    expect(joinSplitPhone("мой номер 8 912", "в 345-67-89")).toEqual({ kind: "none" });
  });

  it("finds the latest phone across messages, split or whole", () => {
    expect(findPhoneInMessages(["мой номер +7 912 345", "67 89"])).toMatchObject({ e164: "+79123456789" });
    expect(findPhoneInMessages(["89123456789", "нет, лучше 89211112233"])).toMatchObject({ e164: "+79211112233" });
  });

  it("reports an invalid number only from the messages asked about", () => {
    expect(findPhoneInMessages(["12345", "а сколько стоит?"], { reportInvalidFrom: 1 })).toEqual({ kind: "none" });
    expect(findPhoneInMessages(["а сколько стоит?", "12345"], { reportInvalidFrom: 1 })).toMatchObject({ kind: "invalid" });
  });
});

describe("formatPhone", () => {
  it("writes Russian numbers the Russian way and others internationally", () => {
    expect(formatPhone("+79123456789")).toBe("+7 912 345-67-89");
    expect(formatPhone("+375291234567")).toBe("+375 29 123 45 67");
  });
});

describe("parsePhoneField", () => {
  it("takes a whole field that is one valid number, Russian formats first, and gives E.164", () => {
    expect(parsePhoneField("8 (912) 345-67-89")).toEqual({ kind: "valid", e164: "+79123456789" });
    expect(parsePhoneField(" +7 912 345 67 89 ")).toEqual({ kind: "valid", e164: "+79123456789" });
    expect(parsePhoneField("9123456789")).toEqual({ kind: "valid", e164: "+79123456789" });
    expect(parsePhoneField("+375 29 123-45-67")).toEqual({ kind: "valid", e164: "+375291234567" });
  });

  it("refuses anything else with the reason", () => {
    expect(parsePhoneField("12345")).toEqual({ kind: "invalid", reason: "too_short" });
    expect(parsePhoneField("позвоните 89123456789")).toEqual({ kind: "invalid", reason: "not_a_phone" });
    expect(parsePhoneField("4276 1600 1234 5678")).toEqual({ kind: "invalid", reason: "card_number" });
    expect(parsePhoneField("8 800 555-35-35")).toEqual({ kind: "invalid", reason: "service_number" });
    expect(parsePhoneField("")).toEqual({ kind: "invalid", reason: "not_a_phone" });
  });
});
