import { describe, expect, it } from "vitest";
import { analyzeMessage, classifyIntent, detectRefusal, detectSpam, matchHandoffTopics } from "./intent.ts";

describe("classifyIntent", () => {
  it.each([
    ["Хочу заказать торт на субботу", "purchase"],
    ["Сколько стоит замена масла?", "purchase"],
    ["Запишите меня на чистку зубов", "purchase"],
    ["Где вы находитесь?", "question"],
    ["А вы работаете в выходные?", "question"],
    ["Заказ не пришёл, верните деньги", "complaint"],
    ["Хочу оставить жалобу на вашего курьера", "complaint"],
    ["Это обман, у меня претензия к качеству", "complaint"],
    ["Ужасное обслуживание, менеджер нахамил", "complaint"],
    ["Телефон не включается, что делать?", "support"],
    ["Я уже оплатила, где мой заказ?", "support"],
    ["Хочу перенести запись на другой день", "support"],
    ["Заработок от 5000₽ в день без вложений! Пиши в лс, всё расскажу", "spam"],
    ["Спасибо", "other"],
    ["👍", "other"],
  ])("%s → %s", (text, intent) => {
    expect(classifyIntent(text)).toBe(intent);
  });
});

describe("refusal to give a phone", () => {
  it.each([
    "Не хочу оставлять номер",
    "нет, номер не дам, просто ответьте тут",
    "не дам номер",
    "телефон не оставлю",
    "пишите сюда",
    "Ответьте здесь, пожалуйста",
    "без звонков, пожалуйста",
    "не звоните мне",
    "не хочу, чтобы мне звонили",
    "давайте в переписке",
    "только текстом",
    "номер свой давать не хочу",
    "звонить не надо",
    "я не беру трубку с незнакомых номеров",
    "давайте без номера",
  ])("%s", (text) => {
    expect(detectRefusal(text)).toBe(true);
  });

  it.each(["вот мой номер 89123456789", "не могу дозвониться до вас", "я не против, запишите номер", "сколько стоит доставка?", "нет"])(
    "not a refusal: %s",
    (text) => {
      expect(detectRefusal(text)).toBe(false);
    },
  );

  it("reads a bare «нет» as a refusal only right after the agent asked", () => {
    expect(detectRefusal("нет", true)).toBe(true);
    expect(detectRefusal("Неа.", true)).toBe(true);
    expect(detectRefusal("нет, а доставка сколько?", true)).toBe(false);
  });
});

describe("handoff topics", () => {
  it("matches project stems at the start of a word", () => {
    expect(matchHandoffTopics("Хочу оформить оптовый заказ, какая будет скидка?", ["опт", "скидк"])).toEqual(["опт", "скидк"]);
    expect(matchHandoffTopics("Можно ОПТОМ?", ["опт"])).toEqual(["опт"]);
    expect(matchHandoffTopics("Копченую рыбу коптите?", ["опт"])).toEqual([]);
    expect(matchHandoffTopics("Есть скидки?", [])).toEqual([]);
  });

  it("folds ё in topics and text", () => {
    expect(matchHandoffTopics("Учёт по ЁЛКАМ", ["елк"])).toEqual(["елк"]);
  });
});

describe("spam", () => {
  it.each([
    "Заработок от 5000₽ в день без вложений! Пиши в лс, всё расскажу",
    "🔥Лучшее онлайн казино! Бонус за регистрацию 200% https://win-casino.xyz",
    "Инвестиции в крипту, доход 30% в месяц, подробности t.me/easy_profit",
    "Предлагаем продвижение вашего сообщества ВКонтакте, 1000 подписчиков. Пишите в лс",
    "Накрутка подписчиков и лайков недорого, жми https://promo.example.com",
    "Пассивный доход на дому! Переходи по ссылке bit.ly/abc",
    "Добрый день! Предлагаю сотрудничество: размещение рекламы в наших пабликах, охват 500к. Прайс в лс",
    "Здравствуйте, хотите больше клиентов? Настроим таргет под ключ",
    "Ищу людей на удаленку, доход 50-100к",
    "Привет! Зарабатываю на криптовалюте 300$ в день, научу бесплатно, пиши",
    "Требуются сотрудники на удалёнку, 2 часа в день, оплата ежедневно от 3000 руб.",
    "Вы выиграли iPhone 15! Для получения приза перейдите по ссылке",
    "Продам базу клиентов, пишите в телеграм @baza",
    "Хотите кредит без отказа? Одобрим за 5 минут",
    "Инвестируйте в наш проект и получайте 20% в месяц",
    "👉👉 https://t.me/+AbCdEf подпишись 👈👈",
  ])("%s", (text) => {
    expect(detectSpam(text).spam).toBe(true);
  });

  it.each([
    "Вот пример торта, как на фото https://pinterest.com/pin/123",
    "Хочу заказать торт, у вас есть промокод?",
    "Сколько стоит доставка в Москву?",
    "Я зарабатываю мало, есть рассрочка?",
    "Заработала денег, хочу потратить на торт 5000 руб",
    "У вас есть скидка 10% в день рождения?",
    "вот ссылка на мой заказ https://example.ru/order/123, когда привезёте?",
    "Я в лс вам писала, ответьте",
  ])("not spam: %s", (text) => {
    expect(detectSpam(text).spam).toBe(false);
  });
});

describe("analyzeMessage", () => {
  it("knows a greeting with nothing else", () => {
    expect(analyzeMessage("Здравствуйте!").greetingOnly).toBe(true);
    expect(analyzeMessage("Добрый день)) всем").greetingOnly).toBe(true);
    expect(analyzeMessage("Добрый день, сколько стоит торт?").greetingOnly).toBe(false);
  });

  it("handles empty, emoji-only and sticker messages", () => {
    for (const text of ["", "   ", null, "!!!"]) {
      const s = analyzeMessage(text);
      expect(s.empty).toBe(true);
      expect(s.intent).toBe("other");
    }
    expect(analyzeMessage("👍🏻🔥").emojiOnly).toBe(true);
    expect(analyzeMessage(null, { kind: "sticker" })).toMatchObject({ sticker: true, empty: true, smallTalk: true });
  });

  it("finds questions, requests for a person and why-the-phone", () => {
    expect(analyzeMessage("подскажите цену").question).toBe(true);
    expect(analyzeMessage("Позовите менеджера").humanRequested).toBe(true);
    expect(analyzeMessage("хочу поговорить с живым человеком").humanRequested).toBe(true);
    expect(analyzeMessage("А зачем вам мой номер?").phoneWhy).toBe(true);
    expect(analyzeMessage("Номер телефона не обязателен?").phoneWhy).toBe(true);
    expect(analyzeMessage("спасибо большое").smallTalk).toBe(true);
  });

  it("reads a 5,000-character message", () => {
    const text = `${"Очень длинная история про наш праздник и гостей. ".repeat(100)}Сколько стоит торт?`.slice(-5000);
    const s = analyzeMessage(text, { handoffTopics: ["опт"] });
    expect(s.long).toBe(true);
    expect(s.question).toBe(true);
    expect(s.spam).toBe(false);
  });
});
