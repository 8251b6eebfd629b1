import { describe, expect, it } from "vitest";
import { answerFromKnowledge, factKind, factReply, findAnswers, type ProjectKnowledge } from "./knowledge.ts";

const coffee: ProjectKnowledge = {
  facts: { hours: "ежедневно с 8:00 до 22:00", address: "Казань, ул. Баумана, 12" },
  faq: [
    { q: ["сколько стоит доставка", "доставка платная?"], a: "Доставка бесплатная от 1000 ₽, иначе 150 ₽." },
    { q: ["можно заказать торт", "делаете торты на заказ"], a: "Да, торты на заказ делаем за 2 дня, от 1 800 ₽ за килограмм." },
  ],
};

const dental: ProjectKnowledge = {
  facts: {
    hours: "пн–пт 9:00–21:00, сб 10:00–16:00",
    address: "Екатеринбург, ул. Малышева, 51",
    parking: "Бесплатная парковка для пациентов во дворе клиники",
    payment: "Принимаем карты, наличные и оплату по СБП.",
  },
  faq: [
    { q: ["сколько стоит чистка зубов", "цена профессиональной гигиены"], a: "Профессиональная гигиена — 4 500 ₽." },
    { q: ["есть ли рассрочка", "можно лечить в кредит"], a: "Рассрочка без переплаты на 6 месяцев." },
    { q: ["больно ли лечить зубы", "делаете ли анестезию"], a: "Лечим под анестезией, без боли." },
    { q: ["консультация бесплатная?"], a: "Первичная консультация бесплатная." },
  ],
};

const carService: ProjectKnowledge = {
  facts: { hours: "ежедневно с 9 до 21", address: "Новосибирск, ул. Станционная, 30а", Гарантия: "12 месяцев на все работы" },
  faq: [
    { q: ["сколько стоит замена масла", "поменять масло цена"], a: "Замена масла — 800 ₽ за работу." },
    { q: ["делаете шиномонтаж", "переобуть колеса"], a: "Шиномонтаж — от 1 600 ₽ за комплект." },
    { q: ["диагностика подвески", "проверить ходовую"], a: "Диагностика ходовой — 500 ₽." },
  ],
};

const projects = { coffee, dental, carService };
type ProjectName = keyof typeof projects;

const keys = (knowledge: ProjectKnowledge, message: string) => findAnswers(knowledge, message).map((a) => a.key);

describe("fact questions", () => {
  it.each([
    "До скольки вы работаете?",
    "когда вы открыты?",
    "какой у вас график?",
    "режим работы подскажите",
    "Во сколько закрываетесь?",
    "со скольки открываетесь",
    "вы сегодня работаете?",
    "работаете в воскресенье?",
    "в субботу принимаете?",
    "часы работы?",
    "Вы до которого часа?",
    "Какие у вас часы?",
    "Когда можно подъехать?",
    "Вы круглосуточно?",
  ])("hours: %s", (question) => {
    expect(keys(coffee, question)).toEqual(["hours"]);
  });

  it.each([
    "Где вы находитесь?",
    "адрес какой?",
    "Скиньте адрес",
    "как до вас добраться",
    "Как к вам проехать?",
    "куда ехать?",
    "куда подъехать, чтобы забрать?",
    "в каком районе вы?",
    "где ваша кофейня?",
    "Вы где?",
    "откуда забрать заказ?",
    "Скинь геолокацию",
  ])("address: %s", (question) => {
    expect(keys(coffee, question)).toEqual(["address"]);
  });

  it("answers in the project's words", () => {
    expect(answerFromKnowledge(coffee, "до скольки работаете")).toBe("Мы работаем ежедневно с 8:00 до 22:00.");
    expect(answerFromKnowledge(coffee, "где вы?")).toBe("Наш адрес: Казань, ул. Баумана, 12.");
  });

  it("answers other built-in facts and facts keyed in Russian", () => {
    expect(keys(dental, "где можно припарковаться?")).toEqual(["parking"]);
    expect(answerFromKnowledge(dental, "картой оплатить можно?")).toBe("Принимаем карты, наличные и оплату по СБП.");
    expect(answerFromKnowledge(carService, "какая гарантия на ремонт?")).toBe("Гарантия: 12 месяцев на все работы.");
  });

  it("does not read the client's own address as a question", () => {
    expect(keys(coffee, "адрес доставки: ул. Ленина, 5")).not.toContain("address");
    expect(keys(coffee, "адрес почты anna@mail.ru")).not.toContain("address");
  });
});

describe("FAQ matching generalises beyond the listed variants", () => {
  it.each<[ProjectName, string, string]>([
    ["coffee", "Сколько стоит доставка?", "сколько стоит доставка"],
    ["coffee", "а доставка у вас бесплатная?", "сколько стоит доставка"],
    ["coffee", "почём привезёте?", "сколько стоит доставка"],
    ["coffee", "курьер платный?", "сколько стоит доставка"],
    ["coffee", "хочу торт на день рождения заказать", "можно заказать торт"],
    ["coffee", "а торты делаете?", "можно заказать торт"],
    ["coffee", "сколько стоит торт?", "можно заказать торт"],
    ["dental", "Почём у вас почистить зубы?", "сколько стоит чистка зубов"],
    ["dental", "Можно оплатить в рассрочку?", "есть ли рассрочка"],
    ["dental", "лечение больно?", "больно ли лечить зубы"],
    ["dental", "консультация платная?", "консультация бесплатная?"],
    ["carService", "Сколько стоит поменять масло?", "сколько стоит замена масла"],
    ["carService", "почем замена масла на фокусе", "сколько стоит замена масла"],
    ["carService", "нужно переобуться, шиномонтаж есть?", "делаете шиномонтаж"],
    ["carService", "стучит что-то в подвеске, можно проверить?", "диагностика подвески"],
  ])("%s: %s", (project, question, key) => {
    expect(keys(projects[project], question)[0]).toBe(key);
  });

  it("answers two questions in one message", () => {
    expect(keys(coffee, "Привет! Вы до скольки открыты и доставка платная?").sort()).toEqual(["hours", "сколько стоит доставка"]);
  });

  it.each<[ProjectName, string]>([
    ["coffee", "а капучино у вас вкусный?"],
    ["coffee", "есть ли у вас вай-фай?"],
    ["coffee", "Хочу оформить оптовый заказ кофе для офиса, какая будет скидка от 20 кг?"],
    ["coffee", "Не хочу оставлять номер"],
    ["coffee", "8 912 345-67-89"],
    ["dental", "а отбеливание делаете?"],
    ["carService", "сколько стоит покраска бампера"],
    ["carService", "Здравствуйте"],
    ["carService", ""],
  ])("%s: nothing for %j", (project, question) => {
    expect(findAnswers(projects[project], question)).toEqual([]);
  });

  it("keeps a long message to what it really asks", () => {
    const filler = "Мы с семьёй давно хотели к вам зайти, друзья очень советовали. ".repeat(60);
    const answers = findAnswers(coffee, `${filler} Подскажите, до скольки вы работаете? ${filler}`);
    expect(answers.map((a) => a.key)).toEqual(["hours"]);
  });
});

describe("factKind and factReply", () => {
  it("knows fact keys in English and Russian", () => {
    expect(factKind("hours")).toBe("hours");
    expect(factKind("Режим работы")).toBe("hours");
    expect(factKind("Адрес")).toBe("address");
    expect(factKind("warranty")).toBeNull();
  });

  it("words facts as sentences", () => {
    expect(factReply("hours", "ежедневно с 9 до 21")).toBe("Мы работаем ежедневно с 9 до 21.");
    expect(factReply("hours", "Пн–Пт 9–18")).toBe("Режим работы: Пн–Пт 9–18.");
    expect(factReply("payment", "Принимаем карты и наличные")).toBe("Принимаем карты и наличные.");
    expect(factReply("Wi-Fi", "пароль у бариста")).toBe("Пароль у бариста.");
  });
});

describe("FAQ matching prefers the entry about the asked subject", () => {
  const delivery = {
    facts: { delivery: "Доставка по городу — 200 ₽, от 1500 ₽ бесплатно." },
    faq: [
      { q: ["Сколько стоит доставка?"], a: "Доставка курьером — 200 ₽, от 1500 ₽ бесплатно." },
      { q: ["Как быстро привезёте?", "Когда приедет курьер?"], a: "Курьер будет у вас через 60–90 минут после заказа." },
    ],
  };

  it("a question about when gets the timing, not the price", () => {
    for (const question of ["Когда ждать курьера?", "Курьер когда будет?", "Через сколько привезёте?"]) {
      const answers = findAnswers(delivery, question);
      expect(answers[0]?.text, question).toBe("Курьер будет у вас через 60–90 минут после заказа.");
      expect(answers.map((a) => a.text).join(" "), question).not.toContain("200 ₽");
    }
  });

  it("a question about the price gets the price", () => {
    expect(findAnswers(delivery, "Сколько стоит доставка?")[0]?.text).toBe("Доставка курьером — 200 ₽, от 1500 ₽ бесплатно.");
  });

  it("without an entry about the subject, no answer about another one: a person answers", () => {
    const priceOnly = { facts: {}, faq: [{ q: ["Сколько стоит доставка?"], a: "Доставка курьером — 200 ₽, от 1500 ₽ бесплатно." }] };
    expect(findAnswers(priceOnly, "Когда ждать курьера?")).toEqual([]);
  });

  it("a question with no subject of its kind still gets every fitting answer", () => {
    expect(findAnswers(delivery, "Доставляете?").length).toBeGreaterThan(1);
  });
});
