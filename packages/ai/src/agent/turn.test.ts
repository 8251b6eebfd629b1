import { describe, expect, it } from "vitest";
import { defaultScript } from "./script.ts";
import { decideTurn } from "./turn.ts";
import type { AgentAction, LeadStage, ThreadMessage, TurnDecision, TurnInput } from "./types.ts";

const script = defaultScript("Кофейня «Зерно»", {
  facts: { hours: "ежедневно с 8:00 до 22:00", address: "Казань, ул. Баумана, 12" },
  faq: [
    { q: ["сколько стоит доставка", "доставка платная?"], a: "Доставка бесплатная от 1000 ₽, иначе 150 ₽." },
    { q: ["можно заказать торт", "делаете торты на заказ"], a: "Да, торты на заказ делаем за 2 дня, от 1 800 ₽ за килограмм." },
  ],
  handoffTopics: ["опт", "скидк"],
});

/** A conversation played turn by turn, the way the worker runs the agent. */
class Conversation {
  thread: ThreadMessage[] = [];
  stage: LeadStage = "bot";
  phone: string | null = null;
  private minute = 0;

  constructor(private readonly input: Partial<TurnInput> = {}) {}

  client(text: string | null, kind: ThreadMessage["kind"] = "text"): TurnDecision {
    this.push({ author: "client", text, kind });
    return this.turn();
  }

  push(message: Omit<ThreadMessage, "sentAt">): void {
    this.thread.push({ ...message, sentAt: new Date(Date.UTC(2025, 2, 3, 9, this.minute++)) });
  }

  turn(): TurnDecision {
    const decision = decideTurn({ script, ...this.input, thread: this.thread, stage: this.stage, known: { phone: this.phone } });
    for (const reply of decision.replies) this.push({ author: "agent", text: reply.text, action: reply.action });
    if (decision.transition) this.stage = decision.transition.to;
    if (decision.entities.phone) this.phone = decision.entities.phone;
    return decision;
  }

  actions(): (AgentAction | null | undefined)[] {
    return this.thread.filter((m) => m.author === "agent").map((m) => m.action);
  }
}

const actionsOf = (d: TurnDecision) => d.replies.map((r) => r.action);
const textOf = (d: TurnDecision) => d.replies.map((r) => r.text).join("\n");

describe("first reply", () => {
  it("greets, answers from the knowledge and asks for the phone", () => {
    const d = new Conversation().client("Здравствуйте! До скольки вы работаете?");
    expect(actionsOf(d)).toEqual(["greet", "answer", "ask_phone"]);
    expect(d.replies[0]?.text).toBe("Здравствуйте! Это Кофейня «Зерно», я виртуальный помощник.");
    expect(d.replies[1]?.text).toContain("22:00");
    expect(d.replies[2]?.text).toBe(script.askPhone);
    expect(d.transition).toBeNull();
    expect(d.intent).toBe("question");
  });

  it("greets a greeting and asks for the phone", () => {
    expect(actionsOf(new Conversation().client("Добрый день!"))).toEqual(["greet", "ask_phone"]);
  });

  it("says a manager will answer what the knowledge does not cover, without inventing", () => {
    const d = new Conversation().client("А капучино на овсяном молоке делаете?");
    expect(actionsOf(d)).toEqual(["greet", "ask_phone"]);
    expect(d.replies[1]?.text).toBe(`${script.unknownQuestion} ${script.askPhone}`);
  });

  it("greets only once", () => {
    const c = new Conversation();
    c.client("Привет");
    expect(actionsOf(c.client("где вы находитесь?"))).toEqual(["answer", "ask_phone"]);
  });
});

describe("transitions", () => {
  it("bot → assigned with a valid phone: confirm and the handoff line", () => {
    const c = new Conversation();
    c.client("Здравствуйте! До скольки вы работаете?");
    const d = c.client("Перезвоните мне, пожалуйста: 8 (912) 345-67-89");
    expect(actionsOf(d)).toEqual(["confirm", "handoff"]);
    expect(d.replies[0]?.text).toBe("Записал ваш номер: +7 912 345-67-89.");
    expect(d.replies[1]?.text).toBe(script.handoff);
    expect(d.transition).toEqual({ to: "assigned", reason: "phone_captured" });
    expect(d.entities.phone).toBe("+79123456789");
  });

  it("bot → assigned when the first message already has the phone, answering its question too", () => {
    const d = new Conversation().client("Добрый день, хочу заказать торт на субботу, мой номер +7 921 000-11-22");
    expect(actionsOf(d)).toEqual(["greet", "answer", "confirm", "handoff"]);
    expect(d.transition?.to).toBe("assigned");
    expect(d.entities).toMatchObject({ phone: "+79210001122", interest: "заказать торт на субботу" });
    expect(d.intent).toBe("purchase");
  });

  it("bot → needs_human on a handoff topic, saying nothing about it", () => {
    const d = new Conversation().client("Хочу оформить оптовый заказ кофе для офиса, какая будет скидка от 20 кг?");
    expect(actionsOf(d)).toEqual(["greet", "handoff"]);
    expect(d.transition).toEqual({ to: "needs_human", reason: "handoff_topic" });
    expect(textOf(d)).not.toMatch(/скидк/i);
  });

  it("a handoff topic with a phone is a lead with a contact", () => {
    const d = new Conversation().client("Интересует опт, звоните 89123456789");
    expect(actionsOf(d)).toEqual(["greet", "confirm", "handoff"]);
    expect(d.transition?.to).toBe("assigned");
  });

  it("bot → needs_human when the client asks for a person or has a problem with an order", () => {
    expect(new Conversation().client("Позовите, пожалуйста, менеджера").transition).toEqual({
      to: "needs_human",
      reason: "human_requested",
    });
    expect(new Conversation().client("Мой заказ так и не пришёл!").transition).toEqual({ to: "needs_human", reason: "support_request" });
  });

  it("bot → needs_human when the asks are spent and a question has no answer in the knowledge", () => {
    const c = new Conversation();
    c.client("Вы делаете капучино на миндальном молоке?");
    c.client("А веганские десерты есть?");
    const d = c.client("А кошек к вам можно?");
    expect(actionsOf(d)).toEqual(["handoff"]);
    expect(d.transition).toEqual({ to: "needs_human", reason: "question_needs_person" });
  });

  it("bot → low_quality on refusal after the project's number of asks", () => {
    const c = new Conversation();
    expect(actionsOf(c.client("Сколько стоит доставка?"))).toEqual(["greet", "answer", "ask_phone"]);
    const second = c.client("Не хочу оставлять номер");
    expect(actionsOf(second)).toEqual(["ask_phone"]);
    expect(second.replies[0]?.text).toBe(script.reAskPhone);
    expect(second.transition).toBeNull();
    const third = c.client("нет, номер не дам, просто ответьте тут");
    expect(actionsOf(third)).toEqual(["decline"]);
    expect(third.transition).toEqual({ to: "low_quality", reason: "phone_refused" });
  });

  it("counts a bare «нет» to the ask as a refusal", () => {
    const c = new Conversation();
    c.client("Привет");
    c.client("не дам");
    expect(c.client("нет").transition?.to).toBe("low_quality");
  });

  it("honours the project's number of asks", () => {
    const c = new Conversation({ script: { ...script, maxPhoneAsks: 1 } });
    c.client("Привет");
    expect(c.client("пишите сюда").transition?.to).toBe("low_quality");
  });

  it("bot → spam with no reply", () => {
    const d = new Conversation().client("Заработок от 5000₽ в день без вложений! Пиши в лс, всё расскажу");
    expect(d.replies).toEqual([]);
    expect(d.transition).toEqual({ to: "spam", reason: "spam" });
    expect(d.intent).toBe("spam");
  });

  it("does not bury a real conversation over a later odd message", () => {
    const c = new Conversation();
    c.client("Сколько стоит торт?");
    expect(c.client("а вы не знаете, где заработать без вложений? пишите в лс").transition?.to).not.toBe("spam");
  });
});

describe("phone numbers", () => {
  it("says a number looks wrong, then takes the right one", () => {
    const c = new Conversation();
    const first = c.client("Перезвоните мне: 12345");
    expect(actionsOf(first)).toEqual(["greet", "ask_phone"]);
    expect(first.replies[1]?.text).toContain("«12345»");
    expect(first.phone).toMatchObject({ kind: "invalid", reason: "too_short" });
    const second = c.client("ой, 89123456789");
    expect(second.transition?.to).toBe("assigned");
    expect(second.entities.phone).toBe("+79123456789");
  });

  it("tells a card number from a phone and never stores it", () => {
    const c = new Conversation();
    c.client("Привет");
    const d = c.client("4276 1600 1234 5678");
    expect(d.replies[0]?.text).toMatch(/номер карты/);
    expect(d.entities.phone).toBeUndefined();
    expect(d.transition).toBeNull();
  });

  it("joins a number split over two messages", () => {
    const c = new Conversation();
    c.client("Здравствуйте");
    const partial = c.client("мой номер +7 912");
    expect(partial.phone.kind).toBe("invalid");
    const rest = c.client("345 67 89");
    expect(rest.entities.phone).toBe("+79123456789");
    expect(rest.transition?.to).toBe("assigned");
  });

  it("reads several new messages together", () => {
    const c = new Conversation();
    c.push({ author: "client", text: "Добрый день", kind: "text" });
    c.push({ author: "client", text: "до скольки работаете?", kind: "text" });
    c.push({ author: "client", text: "мой номер 8 912 345 67 89", kind: "text" });
    const d = c.turn();
    expect(actionsOf(d)).toEqual(["greet", "answer", "confirm", "handoff"]);
  });

  it("hands over after repeated numbers that are not valid", () => {
    const c = new Conversation();
    for (const n of ["12345", "1234567", "+7 000", "00000"]) expect(c.client(n).phone.kind).toBe("invalid");
    const d = c.client("123456");
    expect(d.transition).toEqual({ to: "needs_human", reason: "invalid_phone_attempts" });
  });

  it("does not take the business's own number for the client's", () => {
    const withPhone = { ...script, facts: { ...script.facts, phone: "+7 (843) 231-12-12" } };
    const d = decideTurn({ script: withPhone, thread: [{ author: "client", text: "звонил на 8 843 231-12-12, никто не берёт", sentAt: new Date() }] });
    expect(d.entities.phone).toBeUndefined();
    expect(d.transition).toBeNull();
  });

  it("accepts a number from abroad in international format", () => {
    expect(new Conversation().client("Я из Минска, +375 29 123-45-67").entities.phone).toBe("+375291234567");
  });

  it("explains why the number is needed when asked", () => {
    const c = new Conversation();
    c.client("Привет");
    const d = c.client("А зачем вам мой телефон?");
    expect(d.replies).toEqual([{ action: "ask_phone", text: script.reAskPhone }]);
  });
});

describe("never asks again for what the client said", () => {
  it("does not ask when the contact's phone is on file", () => {
    const d = decideTurn({
      script,
      thread: [{ author: "client", text: "До скольки работаете?", sentAt: "2025-03-03T09:00:00Z" }],
      known: { phone: "+79123456789" },
    });
    expect(actionsOf(d)).toEqual(["greet", "answer", "handoff"]);
    expect(d.transition).toEqual({ to: "assigned", reason: "phone_known" });
  });

  it("asks at most maxPhoneAsks times across a long thread, and never once the phone is known", () => {
    const c = new Conversation();
    const questions = ["до скольки работаете?", "где вы?", "доставка платная?", "торты делаете?", "а в выходные работаете?", "как добраться?"];
    for (let i = 0; i < 60; i++) {
      c.client(questions[i % questions.length] ?? "");
    }
    expect(c.actions().filter((a) => a === "ask_phone")).toHaveLength(script.maxPhoneAsks);
    expect(c.stage).toBe("bot");

    // The phone mentioned once in the middle of a thread is known for good, even if the stage
    // was not moved on.
    const thread: ThreadMessage[] = [...c.thread, { author: "client", text: "пишите на 8 912 345 67 89", sentAt: "2025-03-03T12:00:00Z" }];
    for (let i = 0; i < 30; i++) {
      const d = decideTurn({ script, thread, stage: "bot" });
      expect(actionsOf(d)).not.toContain("ask_phone");
      for (const r of d.replies) thread.push({ author: "agent", text: r.text, action: r.action, sentAt: "2025-03-03T12:00:01Z" });
      thread.push({ author: "client", text: questions[i % questions.length] ?? "", sentAt: "2025-03-03T12:00:02Z" });
    }
  });

  it("counts asks by recorded action, so a script change mid-conversation does not reset them", () => {
    const c = new Conversation();
    c.client("Привет");
    c.client("не дам номер");
    const changed = { ...script, askPhone: "Напишите номер, пожалуйста.", reAskPhone: "Можно ваш номер?" };
    const d = decideTurn({ script: changed, thread: [...c.thread, { author: "client", text: "нет", sentAt: new Date() }] });
    expect(d.transition?.to).toBe("low_quality");
    expect(d.replies[0]?.text).toBe(changed.decline);
  });
});

describe("where the agent stops", () => {
  it.each<LeadStage>(["assigned", "needs_human", "spam", "won", "lost", "low_quality"])("stays silent in %s", (stage) => {
    const d = decideTurn({ script, thread: [{ author: "client", text: "до скольки работаете?", sentAt: new Date() }], stage });
    expect(d.replies).toEqual([]);
    expect(d.silentReason).toBe("stage");
  });

  it("stays silent after its handoff line even if the stage lags", () => {
    const c = new Conversation();
    c.client("позовите человека");
    c.stage = "bot";
    expect(c.client("алло?").replies).toEqual([]);
  });

  it("takes a valid number from a lead marked low quality", () => {
    const c = new Conversation();
    c.client("Привет");
    c.client("не дам номер");
    c.client("нет");
    expect(c.stage).toBe("low_quality");
    expect(c.client("ну ладно, 89123456789").transition).toEqual({ to: "assigned", reason: "phone_captured" });
  });

  it("has nothing to say when no client message is new", () => {
    const c = new Conversation();
    c.client("Привет");
    expect(c.turn()).toMatchObject({ replies: [], silentReason: "nothing_new" });
  });
});

describe("bad input", () => {
  it.each<[string, string | null, ThreadMessage["kind"]]>([
    ["empty text", "", "text"],
    ["emoji only", "👍🔥", "text"],
    ["a sticker", null, "sticker"],
    ["a photo without caption", null, "photo"],
  ])("greets and asks on %s first", (_, text, kind) => {
    expect(actionsOf(new Conversation().client(text, kind))).toEqual(["greet", "ask_phone"]);
  });

  it("stays quiet on a sticker or thanks after it has asked", () => {
    const c = new Conversation();
    c.client("Привет");
    expect(c.client(null, "sticker").replies).toEqual([]);
    expect(c.client("спасибо").replies).toEqual([]);
    expect(c.client("👍").silentReason).toBe("small_talk");
  });

  it("handles a 5,000-character message", () => {
    const story = "Мы отмечаем юбилей бабушки, будет много гостей и хочется всё красиво. ".repeat(80);
    const text = `${story.slice(0, 4900)} Сколько стоит доставка?`;
    expect(text.length).toBeGreaterThan(4900);
    const d = new Conversation().client(text);
    expect(actionsOf(d)).toEqual(["greet", "answer", "ask_phone"]);
    expect(d.replies[1]?.text).toContain("150 ₽");
  });

  it("is deterministic", () => {
    const input: TurnInput = { script, thread: [{ author: "client", text: "Где вы? 8 912 345", sentAt: "2025-03-03T09:00:00Z" }] };
    expect(decideTurn(input)).toEqual(decideTurn(input));
  });
});

describe("hints from a language model", () => {
  it("adds a refusal the rules missed", () => {
    const c = new Conversation();
    c.client("Привет");
    c.client("это лишнее");
    const d = decideTurn({ script, thread: [...c.thread, { author: "client", text: "обойдёмся как-нибудь", sentAt: new Date() }], hints: { refusal: true } });
    expect(d.transition?.to).toBe("low_quality");
  });

  it("never drops a valid number on a spam hint", () => {
    const d = decideTurn({ script, thread: [{ author: "client", text: "89123456789", sentAt: new Date() }], hints: { intent: "spam" } });
    expect(d.transition?.to).toBe("assigned");
  });

  it("routes support to a person", () => {
    const d = decideTurn({ script, thread: [{ author: "client", text: "у меня проблема", sentAt: new Date() }], hints: { intent: "support" } });
    expect(d.transition?.to).toBe("needs_human");
  });
});

describe("random input", () => {
  it("never throws, and never asks for a phone it has", () => {
    // A fixed-seed generator: the same messages on every run.
    let seed = 42;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pieces = ["до скольки", "8 912 345", "67 89", "12345", "+7", "😀", "нет", "опт", "скидк", "?", "где", "не дам номер", "http://x.ru", "ё", "\n", "  ", "4276 1600 1234 5678", "Здравствуйте", "заработок", "\u0000", "ﷺ", "9".repeat(40)];
    for (let run = 0; run < 40; run++) {
      const c = new Conversation();
      for (let turn = 0; turn < 12; turn++) {
        const words = Array.from({ length: 1 + Math.floor(next() * 6) }, () => pieces[Math.floor(next() * pieces.length)] ?? "");
        const hadPhone = c.phone !== null;
        const d = c.client(next() < 0.1 ? null : words.join(" "), next() < 0.1 ? "sticker" : "text");
        for (const r of d.replies) expect(r.text.trim().length).toBeGreaterThan(0);
        if (hadPhone) expect(actionsOf(d)).not.toContain("ask_phone");
      }
      expect(c.actions().filter((a) => a === "ask_phone").length).toBeLessThanOrEqual(script.maxPhoneAsks + 2);
    }
  });
});
