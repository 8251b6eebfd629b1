import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decideTurn, guardNumbers } from "../agent/turn.ts";
import { defaultScript } from "../agent/script.ts";
import type { ThreadMessage } from "../agent/types.ts";
import { checkSalesCase, loadSalesCases, runSalesCaseThroughAgent } from "../eval/sales.ts";
import { readField } from "./collect.ts";
import { formatMoney } from "./money.ts";
import { AllowedNumbers } from "./numbers.ts";
import type { AgentCatalog } from "./types.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../../..");
const dirs = [process.env.SALES_CASES_DIR ?? path.resolve(repoRoot, "../../shared/eval/sales"), path.resolve(repoRoot, "tooling/eval/cases/sales")];

const catalog: AgentCatalog = {
  currency: "RUB",
  products: [
    { name: "Капучино", category: "Кофе", description: "300 мл", priceMinor: 22000, available: true, options: [{ name: "овсяное молоко", priceDeltaMinor: 4000 }], upsell: ["Круассан"] },
    { name: "Латте", category: "Кофе", description: "400 мл", priceMinor: 24000, available: true, options: [], upsell: ["Круассан"] },
    { name: "Круассан", category: "Выпечка", description: "", priceMinor: 15000, available: true, options: [], upsell: [] },
  ],
};
const script = defaultScript("Кофейня");
let clock = 0;
const client = (text: string): ThreadMessage => ({ author: "client", text, sentAt: new Date(++clock * 1000) });

/** Plays client messages through the agent, returning every agent reply text. */
function play(texts: string[], extra: Partial<Parameters<typeof decideTurn>[0]> = {}) {
  const thread: ThreadMessage[] = [];
  const decisions = [];
  for (const t of texts) {
    thread.push(client(t));
    const d = decideTurn({ script, thread, catalog, ...extra });
    decisions.push(d);
    for (const r of d.replies) thread.push({ author: "agent", text: r.text, action: r.action, sentAt: new Date(++clock * 1000) });
  }
  return { thread, decisions, said: thread.filter((m) => m.author === "agent").map((m) => m.text ?? "") };
}

describe.each(dirs.filter((d) => existsSync(d)).map((d) => [path.basename(path.dirname(d)) + "/" + path.basename(d), d]))("sales cases through the agent alone: %s", (_, dir) => {
  it("passes every case with no invented number", () => {
    const results = loadSalesCases(dir).map((c) => checkSalesCase(c, runSalesCaseThroughAgent(c)));
    expect(results.length).toBeGreaterThanOrEqual(6);
    expect(results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.failures.join("; ")}`)).toEqual([]);
  });
});

describe("the agent and the catalog", () => {
  it("quotes a product with its option as a sum of catalog prices", () => {
    const { said } = play(["Сколько стоит капучино?", "а с овсяным молоком сколько"]);
    expect(said.join("\n")).toContain("220 ₽ + 40 ₽ = 260 ₽");
  });

  it("a price the catalog gave is not said again from the FAQ; one the catalog lacks still comes from it", () => {
    const withFaq = {
      ...script,
      faq: [
        { q: ["Сколько стоит капучино?"], a: "Капучино 0,3 л — 220 ₽, 0,4 л — 260 ₽." },
        { q: ["Сколько стоит раф?"], a: "Раф — 320 ₽." },
      ],
    };
    const capuccino = play(["Сколько стоит капучино на овсяном?"], { script: withFaq }).said.join("\n");
    expect(capuccino).toContain("220 ₽ + 40 ₽ = 260 ₽");
    expect(capuccino).not.toContain("0,4 л");
    expect(play(["Сколько стоит раф?"], { script: withFaq }).said.join("\n")).toContain("Раф — 320 ₽.");
  });

  it("offers an up-sell once per conversation, never twice", () => {
    const { said } = play(["капучино почём?", "а латте?", "ещё раз, капучино сколько?"]);
    expect(said.filter((t) => t.includes("Круассан"))).toHaveLength(1);
  });

  it("hands a price the project does not hold to a person", () => {
    const { decisions, said } = play(["Сколько стоит раф с лавандой?"]);
    expect(decisions[0]!.transition).toEqual({ to: "needs_human", reason: "question_needs_person" });
    expect(said.join(" ")).not.toMatch(/\d{2,}/);
  });

  it("formats money in minor units with spaced thousands", () => {
    expect(formatMoney(145000, "RUB")).toBe("1 450 ₽");
    expect(formatMoney(9950, "USD")).toBe("99,50 $");
  });
});

describe("the number guard", () => {
  it("replaces a reply holding a number nobody gave, and keeps the client's own phone", () => {
    const thread = [client("мой номер 8 912 345-67-89")];
    const decision = decideTurn({ script, thread, catalog });
    expect(decision.replies.map((r) => r.text).join(" ")).toContain("+7 912 345-67-89");
    const forged = { ...decision, replies: [{ action: "answer" as const, text: "Скидка 37% до пятницы, итого 199 ₽." }] };
    const guarded = guardNumbers(forged, { script, thread, catalog });
    expect(guarded.replies[0]!.text).toBe(script.unknownQuestion);
    expect(guarded.used?.rules).toContain("number_guard");
  });

  it("reads thousands with and without spaces", () => {
    const allowed = new AllowedNumbers().addText("Абонемент — 3 500 ₽");
    expect(allowed.invented("всего 3500 рублей")).toEqual([]);
    expect(allowed.invented("всего 3 600 рублей")).toEqual(["3600"]);
  });
});

describe("fields collected before the handoff", () => {
  it("validates a name and a date", () => {
    expect(readField("name", "Ольга")).toBe("Ольга");
    expect(readField("name", "меня зовут анна-мария")).toBe("Анна-Мария");
    expect(readField("name", "не скажу")).toBeNull();
    expect(readField("name", "89123456789")).toBeNull();
    expect(readField("date", "в субботу после обеда")).toBe("в субботу после обеда");
    expect(readField("date", "не знаю")).toBeNull();
    expect(readField("budget", "примерно 50 тысяч")).toBe("50000");
  });

  it("asks the name after the phone, re-asks once on a non-name, then hands over", () => {
    const collecting = defaultScript("Автосервис", { collect: ["phone", "name"] });
    const thread: ThreadMessage[] = [];
    const turn = (text: string) => {
      thread.push(client(text));
      const d = decideTurn({ script: collecting, thread });
      for (const r of d.replies) thread.push({ author: "agent", text: r.text, action: r.action, sentAt: new Date(++clock * 1000) });
      return d;
    };
    expect(turn("89123456789").replies.map((r) => r.action)).toEqual(["greet", "confirm", "ask_field"]);
    expect(turn("зачем?").replies.map((r) => r.action)).toEqual(["ask_field"]);
    const last = turn("ну ок");
    expect(last.transition).toEqual({ to: "assigned", reason: "phone_known" });
  });
});

describe("the product's photo with a catalog answer", () => {
  const withPhotos: AgentCatalog = { ...catalog, products: catalog.products.map((p) => (p.name === "Круассан" ? p : { ...p, photoKey: `catalog/p/${p.name}` })) };
  const photosOf = (texts: string[]) => play(texts, { catalog: withPhotos }).decisions.at(-1)!.replies.filter((r) => r.photoKey).map((r) => [r.photoKey, r.text]);

  it("an answer about one product carries its photo; about two, or a product without one, none", () => {
    expect(photosOf(["Сколько стоит латте?"])).toEqual([["catalog/p/Латте", expect.stringMatching(/^Латте — 240\s₽/)]]);
    const both = play(["Сколько стоят латте и капучино?"], { catalog: withPhotos }).decisions.at(-1)!.replies.map((r) => r.text).join("\n");
    expect(both).toMatch(/Латте — 240\s₽[\s\S]*Капучино — 220\s₽|Капучино — 220\s₽[\s\S]*Латте — 240\s₽/);
    expect(photosOf(["Сколько стоят латте и капучино?"])).toEqual([]);
    expect(photosOf(["Сколько стоит круассан?"])).toEqual([]);
  });
});
