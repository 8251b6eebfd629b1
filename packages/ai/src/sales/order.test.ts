import { describe, expect, it } from "vitest";
import { decideTurn } from "../agent/turn.ts";
import { defaultScript } from "../agent/script.ts";
import type { ThreadMessage } from "../agent/types.ts";
import { AllowedNumbers } from "./numbers.ts";
import { allowedOrderNumbers, proposalText, readOrder, readProposalAnswer } from "./order.ts";
import type { AgentCatalog } from "./types.ts";

const catalog: AgentCatalog = {
  currency: "RUB",
  products: [
    {
      id: "p-cap",
      name: "Капучино",
      category: "Кофе",
      description: "300 мл",
      priceMinor: 25000,
      available: true,
      options: [
        { id: "o-oat", name: "овсяное молоко", group: "Молоко", priceDeltaMinor: 4000 },
        { id: "o-alm", name: "миндальное молоко", group: "Молоко", priceDeltaMinor: 5000, available: false },
        { id: "o-big", name: "большой 400 мл", group: "Размер", priceDeltaMinor: 6000 },
      ],
      upsell: [],
    },
    { id: "p-lat", name: "Латте", category: "Кофе", description: "", priceMinor: 27000, available: true, options: [{ id: "o-lbig", name: "большой", group: "Размер", priceDeltaMinor: 5000 }], upsell: [] },
    { id: "p-raf", name: "Раф", category: "Кофе", description: "", priceMinor: 32000, available: false, options: [], upsell: [] },
    { id: "p-cro", name: "Круассан", category: "Выпечка", description: "", priceMinor: 15000, available: true, options: [], upsell: [] },
  ],
};

const lines = (text: string) => {
  const r = readOrder(catalog, text);
  return r.kind === "proposal" ? r.lines.map((l) => [l.productId, l.quantity, l.optionIds.join("+"), l.unitPriceMinor]) : r;
};

describe("reading an order from the client's words", () => {
  it("finds products, quantities in words and digits, and options", () => {
    expect(lines("хочу два капучино на овсяном и круассан")).toEqual([
      ["p-cap", 2, "o-oat", 29000],
      ["p-cro", 1, "", 15000],
    ]);
    expect(lines("Оформите латте большой")).toEqual([["p-lat", 1, "o-lbig", 32000]]);
    expect(lines("закажу 3 круассана, капучино большой")).toEqual([
      ["p-cro", 3, "", 15000],
      ["p-cap", 1, "o-big", 31000],
    ]);
    expect(lines("возьму пару круассанов")).toEqual([["p-cro", 2, "", 15000]]);
    expect(lines("буду четыре латте")).toEqual([["p-lat", 4, "", 27000]]);
  });

  it("does not take a question or a booking for an order", () => {
    expect(readOrder(catalog, "хочу узнать, сколько стоит капучино").kind).toBe("none");
    expect(readOrder(catalog, "капучино есть?").kind).toBe("none");
    expect(readOrder(catalog, "хочу записаться на дегустацию").kind).toBe("none");
    expect(readOrder(catalog, "хочу пиццу").kind).toBe("none");
  });

  it("answers a stop-listed product with an alternative of its category, never proposing it", () => {
    const r = readOrder(catalog, "хочу раф");
    expect(r.kind).toBe("problem");
    if (r.kind !== "problem") return;
    expect(r.answers[0]).toContain("нет в наличии");
    expect(r.answers[0]).toMatch(/Латте|Капучино/);
  });

  it("answers an option the product does not have, or has not now, with the options it has", () => {
    const coconut = readOrder(catalog, "хочу капучино на кокосовом");
    expect(coconut).toMatchObject({ kind: "problem" });
    if (coconut.kind === "problem") expect(coconut.answers[0]).toContain("овсяное молоко +40 ₽");
    const almond = readOrder(catalog, "хочу капучино на миндальном");
    expect(almond).toMatchObject({ kind: "problem" });
    if (almond.kind === "problem") expect(almond.answers[0]).toContain("сейчас нет");
  });

  it("answers «с …» and size words the product does not offer with its real options", () => {
    const answer = (text: string) => {
      const r = readOrder(catalog, text);
      return r.kind === "problem" ? r.answers.join(" ") : r.kind;
    };
    expect(answer("хочу капучино с мятным сиропом")).toBe("Капучино «с мятным сиропом» не готовим. Можно: овсяное молоко +40 ₽, большой 400 мл +60 ₽.");
    expect(answer("закажу латте с корицей")).toBe("Латте «с корицей» не готовим. Можно: большой +50 ₽.");
    expect(answer("хочу капучино средний")).toBe("Капучино «средний» не готовим. Можно: овсяное молоко +40 ₽, большой 400 мл +60 ₽.");
    expect(answer("хочу маленький латте")).toContain("Латте «маленький» не готовим.");
    expect(answer("хочу латте XL")).toContain("Латте «xl» не готовим. Можно: большой +50 ₽.");
    // A product without options says it has none to choose; nothing is proposed in any of these.
    expect(answer("хочу большой круассан")).toBe("Круассан «большой» не готовим.");
    expect(answer("хочу круассан с шоколадом")).toBe("Круассан «с шоколадом» не готовим.");
  });

  it("takes «с …» an option, a group, the product's own name, another product or «с собой» names as they are", () => {
    const withSyrup: AgentCatalog = {
      currency: "RUB",
      products: [
        ...catalog.products,
        { id: "p-raf2", name: "Бамбл", category: "Кофе", description: "", priceMinor: 30000, available: true, options: [{ id: "o-car", name: "сироп карамель", priceDeltaMinor: 3000 }], upsell: [] },
        { id: "p-tea", name: "Чай с чабрецом", category: "Чай", description: "", priceMinor: 20000, available: true, options: [], upsell: [] },
      ],
    };
    const read = (text: string) => {
      const r = readOrder(withSyrup, text);
      return r.kind === "proposal" ? r.lines.map((l) => [l.productId, l.quantity, l.optionIds.join("+")]) : r;
    };
    expect(read("хочу бамбл с карамельным сиропом")).toEqual([["p-raf2", 1, "o-car"]]);
    expect(read("хочу бамбл с мятным сиропом")).toMatchObject({ kind: "problem", answers: ["Бамбл «с мятным сиропом» не готовим. Можно: сироп карамель +30 ₽."] });
    expect(read("хочу капучино с овсяным молоком")).toEqual([["p-cap", 1, "o-oat"]]);
    expect(read("хочу капучино с молоком")).toEqual([["p-cap", 1, ""]]);
    expect(read("хочу чай с чабрецом")).toEqual([["p-tea", 1, ""]]);
    expect(read("хочу капучино с собой")).toEqual([["p-cap", 1, ""]]);
    expect(read("оформите латте большой")).toEqual([["p-lat", 1, "o-lbig"]]);
    expect(read("хочу капучино большой")).toEqual([["p-cap", 1, "o-big"]]);
  });

  it("writes the proposal with catalog prices and the total", () => {
    const r = readOrder(catalog, "хочу два капучино на овсяном и круассан");
    if (r.kind !== "proposal") throw new Error("no proposal");
    const text = proposalText(r.lines, "RUB");
    expect(text).toContain("Подтвердите заказ: ответьте «да»");
    expect(text).toContain("Капучино (овсяное молоко) — 2 × 290 ₽ = 580 ₽");
    expect(text).toContain("Круассан — 150 ₽");
    expect(text).toContain("Итого: 730 ₽");
    const allowed = allowedOrderNumbers(catalog, ["хочу два капучино на овсяном и круассан"], new AllowedNumbers());
    expect(allowed.invented(text)).toEqual([]);
    expect(new AllowedNumbers().invented(text)).toContain("730");
  });

  it("reads «да» and «нет» to a proposal", () => {
    for (const t of ["да", "Да!", "подтверждаю", "да, всё верно", "Ок"]) expect(readProposalAnswer(t)).toBe("confirm");
    for (const t of ["нет", "Отмените", "не надо", "передумала"]) expect(readProposalAnswer(t)).toBe("cancel");
    for (const t of ["да нет, не то", "а можно без сахара?"]) expect(readProposalAnswer(t)).not.toBe("confirm");
  });
});

describe("the agent's turn with orders", () => {
  const script = defaultScript("Кофейня");
  const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 10, i));
  const client = (text: string, i: number): ThreadMessage => ({ author: "client", text, sentAt: at(i) });
  const agent = (text: string, i: number): ThreadMessage => ({ author: "agent", text, action: "answer", sentAt: at(i) });

  it("proposes the order instead of asking for the phone, the total passing the number guard", () => {
    const d = decideTurn({ script, catalog, thread: [client("хочу два капучино на овсяном и круассан", 0)] });
    expect(d.order).toMatchObject({ kind: "propose" });
    expect(d.replies.map((r) => r.action)).toEqual(["greet", "answer"]);
    expect(d.replies[1]!.text).toContain("Итого: 730 ₽");
    expect(d.used?.rules).not.toContain("number_guard");
  });

  it("confirms, cancels, or says the proposal is stale", () => {
    const thread = [client("оформите латте большой", 0), agent("Подтвердите заказ", 1), client("да", 2)];
    expect(decideTurn({ script, catalog, thread, proposal: { status: "pending" } }).order).toEqual({ kind: "confirm" });
    const cancel = decideTurn({ script, catalog, thread: [...thread.slice(0, 2), client("нет", 2)], proposal: { status: "pending" } });
    expect(cancel.order).toEqual({ kind: "cancel" });
    expect(cancel.replies[0]!.text).toContain("отменён");
    const stale = decideTurn({ script, catalog, thread, proposal: { status: "expired" } });
    expect(stale.order).toBeUndefined();
    expect(stale.replies[0]!.text).toContain("устарело");
    const twice = decideTurn({ script, catalog, thread, proposal: { status: "confirmed" } });
    expect(twice.order).toBeUndefined();
    expect(twice.replies[0]!.text).toContain("уже оформлен");
  });

  it("reads «да» as small talk when there is no proposal", () => {
    const d = decideTurn({ script, catalog, thread: [client("привет", 0), agent("Здравствуйте", 1), client("да", 2)] });
    expect(d.order).toBeUndefined();
  });
});
