import { describe, expect, it } from "vitest";
import { extractEntities, extractEntitiesFromMessages } from "./entities.ts";

describe("extractEntities", () => {
  it("finds the name the client gives", () => {
    expect(extractEntities("Добрый день, меня зовут Анна").name).toBe("Анна");
    expect(extractEntities("Это Сергей, по поводу ремонта").name).toBe("Сергей");
    expect(extractEntities("С уважением, Мария Петрова").name).toBe("Мария Петрова");
    expect(extractEntities("Хочу торт").name).toBeUndefined();
  });

  it("finds an e-mail", () => {
    expect(extractEntities("пишите на Anna.Petrova@mail.ru, пожалуйста").email).toBe("anna.petrova@mail.ru");
  });

  it("finds what the client wants, without the phone", () => {
    expect(extractEntities("Добрый день, хочу заказать торт на субботу, мой номер +7 921 000-11-22").interest).toBe(
      "заказать торт на субботу",
    );
    expect(extractEntities("Интересует имплантация зубов").interest).toBe("имплантация зубов");
  });

  it("finds a budget in roubles", () => {
    expect(extractEntities("бюджет около 50 тыс").budget).toMatchObject({ amount: 50000, currency: "RUB" });
    expect(extractEntities("кухня нужна в пределах 300 000 рублей").budget).toMatchObject({ amount: 300000, currency: "RUB" });
    expect(extractEntities("до 22:00 работаете?").budget).toBeUndefined();
  });

  it("keeps the latest mention across messages", () => {
    const e = extractEntitiesFromMessages(["меня зовут Анна", "бюджет 20 000 ₽", "нет, бюджет до 30 000 ₽"]);
    expect(e).toMatchObject({ name: "Анна", budget: { amount: 30000 } });
  });
});
