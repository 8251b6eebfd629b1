import { describe, expect, it } from "vitest";
import { defaultScript } from "../agent/script.ts";
import type { ThreadMessage } from "../agent/types.ts";
import type { LlmClient } from "../llm/client.ts";
import { suggestReply, suggestWithRules } from "./suggest.ts";

const at = new Date("2026-01-01T10:00:00Z");
const client = (text: string): ThreadMessage => ({ author: "client", text, sentAt: at });
const passages = [{ id: "p1", title: "Доставка", text: "Доставляем по Казани за два часа. Бесплатно от 3000 рублей." }];

/** A model that answers every request with the given reply. */
function model(reply: string): LlmClient & { prompts: string[] } {
  const prompts: string[] = [];
  return {
    model: "gpt-4o-mini",
    prompts,
    async completeJson(request) {
      prompts.push(JSON.stringify(request.messages));
      const value = request.read({ reply });
      return { value: value as never, usage: { provider: "openai", feature: request.feature, model: "gpt-4o-mini", inputTokens: 10, outputTokens: 5, costUsd: 0.00001 } };
    },
  };
}

describe("copilot suggestion", () => {
  it("answers with the passage that covers the question, after a manager already spoke", () => {
    const s = suggestWithRules({
      script: defaultScript("Цветы"),
      thread: [client("Здравствуйте"), { author: "member", text: "Добрый день!", sentAt: at }, client("От какой суммы доставка бесплатно?")],
      passages,
    });
    expect(s.text).toContain("Бесплатно от 3000 рублей");
    expect(s.sources).toEqual([{ kind: "passage", id: "p1", title: "Доставка" }]);
  });

  it("offers a matching saved reply when nothing else answers", () => {
    const s = suggestWithRules({ script: defaultScript("Цветы"), thread: [client("Можно вернуть букет?")], savedReplies: [{ id: "t1", title: "Возврат букета", text: "Вернуть букет можно в течение дня." }] });
    expect(s.text).toBe("Вернуть букет можно в течение дня.");
    expect(s.sources).toEqual([{ kind: "saved_reply", id: "t1", title: "Возврат букета" }]);
  });

  it("the model's reply is taken when its numbers are the project's; its prompt carries the passage", async () => {
    const llm = model("Доставим за два часа, бесплатно от 3000 рублей.");
    const s = await suggestReply({ script: defaultScript("Цветы"), thread: [client("Доставка бесплатная?")], passages }, llm);
    expect(s.mode).toBe("llm");
    expect(s.usage.map((u) => u.feature)).toEqual(["copilot"]);
    expect(llm.prompts[0]).toContain("Бесплатно от 3000 рублей");
  });

  it("a model reply with a number the project does not hold is replaced by the rules' suggestion", async () => {
    const s = await suggestReply({ script: defaultScript("Цветы"), thread: [client("От какой суммы доставка бесплатно?")], passages }, model("Бесплатно от 2500 рублей!"));
    expect(s.mode).toBe("fallback");
    expect(s.numberGuard).toBe(true);
    expect(s.text).not.toContain("2500");
    expect(s.text).toContain("3000");
    expect(s.usage).toHaveLength(1);
  });
});
