import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultScript } from "../agent/script.ts";
import { decideTurn } from "../agent/turn.ts";
import type { ThreadMessage, TurnInput } from "../agent/types.ts";
import { OpenAiSimulator } from "@threadline/simulators/ai";
import { createLlmClient, LlmError, type JsonRequest, type JsonResult, type LlmClient, type LlmConfig } from "./client.ts";
import { pickWonExamples, type WonExample } from "./examples.ts";
import { llmCostUsd, priceOf } from "./pricing.ts";
import { INTENT_SCHEMA, INTENT_SCHEMA_NAME, readIntentVerdict, replyMessages } from "./prompt.ts";
import { classifyWithLlm } from "./classify.ts";
import { decideTurnWithLlm } from "./turn.ts";

const sim = new OpenAiSimulator();
let config: LlmConfig;

beforeAll(async () => {
  await sim.start();
  config = { apiKey: sim.apiKey, model: "gpt-4o-mini", baseURL: sim.baseURL, maxRetries: 0 };
});
afterAll(() => sim.stop());

const script = defaultScript("Кофейня «Зерно»", {
  facts: { hours: "ежедневно с 8:00 до 22:00", address: "Казань, ул. Баумана, 12" },
  faq: [{ q: ["сколько стоит доставка", "доставка платная?"], a: "Доставка бесплатная от 1000 ₽, иначе 150 ₽." }],
  handoffTopics: ["опт", "скидк"],
});
/** A model that answers each feature with the given raw JSON, or passes through to `real`. */
function scriptedLlm(answers: Record<string, unknown>, real?: LlmClient): LlmClient {
  return {
    model: "gpt-4o-mini",
    async completeJson<T>(request: JsonRequest<T>): Promise<JsonResult<T>> {
      if (!(request.feature in answers) && real) return real.completeJson(request);
      const usage = { provider: "openai" as const, feature: request.feature, model: "gpt-4o-mini", inputTokens: 10, outputTokens: 5, costUsd: 0 };
      const value = request.read(answers[request.feature]);
      if (value === null) throw new LlmError("invalid_output", "does not fit", null, usage);
      return { value, usage };
    },
  };
}
const QUESTION = { intent: "question", refusesPhone: false, wantsPerson: false, isQuestion: true };

const client = (text: string, minute = 0): ThreadMessage => ({ author: "client", text, sentAt: new Date(Date.UTC(2025, 2, 3, 9, minute)) });
const input = (...texts: string[]): TurnInput => ({ script, thread: texts.map((t, i) => client(t, i)) });

describe("structured output through the openai SDK", () => {
  it("returns the parsed value and its usage", async () => {
    const llm = createLlmClient(config);
    const result = await llm.completeJson({
      feature: "agent_intent",
      schemaName: INTENT_SCHEMA_NAME,
      schema: INTENT_SCHEMA,
      messages: [{ role: "user", content: JSON.stringify({ conversation: [], newMessage: "Не хочу оставлять номер, пишите сюда" }) }],
      read: readIntentVerdict,
    });
    expect(result.value).toMatchObject({ refusesPhone: true });
    expect(result.usage).toMatchObject({ provider: "openai", feature: "agent_intent", model: "gpt-4o-mini" });
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.usage.costUsd).toBeCloseTo(llmCostUsd("gpt-4o-mini", result.usage.inputTokens, result.usage.outputTokens), 10);

    const request = sim.completions.at(-1)?.body as { response_format: { type: string; json_schema: { name: string; strict: boolean } } };
    expect(request.response_format).toMatchObject({ type: "json_schema", json_schema: { name: INTENT_SCHEMA_NAME, strict: true } });
  });

  it("types a bad key as an auth error", async () => {
    const llm = createLlmClient({ ...config, apiKey: "sk-wrong" });
    await expect(llm.completeJson({ feature: "f", schemaName: "s", schema: INTENT_SCHEMA, messages: [{ role: "user", content: "x" }], read: readIntentVerdict })).rejects.toMatchObject({
      name: "LlmError",
      kind: "auth",
      status: 401,
    });
  });

  it("waits out a 429 as retry-after says, then succeeds", async () => {
    sim.failNext({ status: 429, retryAfterMs: 20 });
    const before = sim.completions.length;
    const llm = createLlmClient({ ...config, maxRetries: 1 });
    const result = await llm.completeJson({ feature: "f", schemaName: INTENT_SCHEMA_NAME, schema: INTENT_SCHEMA, messages: [{ role: "user", content: "{}" }], read: readIntentVerdict });
    expect(result.value.intent).toBe("other");
    expect(sim.completions.length - before).toBe(2);
  });

  it("reports a rate limit that outlasts the retries", async () => {
    sim.failNext({ status: 429, retryAfterMs: 10, times: 2 });
    const llm = createLlmClient({ ...config, maxRetries: 1 });
    await expect(llm.completeJson({ feature: "f", schemaName: "s", schema: INTENT_SCHEMA, messages: [{ role: "user", content: "{}" }], read: readIntentVerdict })).rejects.toMatchObject({ kind: "rate_limit" });
  });

  it("keeps the usage of an answer that does not fit", async () => {
    const llm = createLlmClient(config);
    const error = await llm
      .completeJson({ feature: "f", schemaName: "other_schema", schema: { type: "object", properties: { x: { type: "string" } } }, messages: [{ role: "user", content: "{}" }], read: () => null })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect((error as LlmError).kind).toBe("invalid_output");
    expect((error as LlmError).usage?.inputTokens).toBeGreaterThan(0);
  });
});

describe("decideTurnWithLlm", () => {
  it("classifies and words the reply, bounded by the same plan", async () => {
    const rules = decideTurn(input("Здравствуйте! До скольки вы работаете?"));
    const d = await decideTurnWithLlm(input("Здравствуйте! До скольки вы работаете?"), { llm: config });
    expect(d.mode).toBe("llm");
    expect(d.llmError).toBeNull();
    expect(d.replies.map((r) => r.action)).toEqual(rules.replies.map((r) => r.action));
    expect(d.replies[1]?.text).toBe("Конечно! Мы работаем ежедневно с 8:00 до 22:00.");
    expect(d.usage.map((u) => u.feature)).toEqual(["agent_intent", "agent_reply"]);
    for (const u of d.usage) expect(u).toMatchObject({ provider: "openai", model: "gpt-4o-mini" });

    // The system prompt carries the project's knowledge and the instruction not to invent.
    const system = (sim.completions.at(-1)?.body as { messages: { role: string; content: string }[] }).messages[0]?.content ?? "";
    expect(system).toContain("Баумана, 12");
    expect(system).toContain("Ничего не придумывай");
  });

  it("still validates the phone by rules and skips the classification it does not need", async () => {
    const before = sim.completions.length;
    const d = await decideTurnWithLlm(input("Перезвоните: 8 (912) 345-67-89"), { llm: config });
    expect(d.transition).toEqual({ to: "assigned", reason: "phone_captured" });
    expect(d.entities.phone).toBe("+79123456789");
    expect(d.replies.find((r) => r.action === "confirm")?.text).toContain("+7 912 345-67-89");
    expect(sim.completions.length - before).toBe(1);
    expect(d.usage.map((u) => u.feature)).toEqual(["agent_reply"]);
  });

  it("acts on the model's reading where the rules see nothing", async () => {
    const thread: ThreadMessage[] = [
      client("Привет"),
      { author: "agent", text: "Здравствуйте!", action: "greet", sentAt: new Date() },
      { author: "agent", text: script.askPhone, action: "ask_phone", sentAt: new Date() },
      client("обойдусь как-нибудь"),
      { author: "agent", text: script.reAskPhone, action: "ask_phone", sentAt: new Date() },
      client("это лишнее"),
    ];
    expect(decideTurn({ script, thread }).transition).toBeNull();
    const reading = scriptedLlm({ agent_intent: { intent: "other", refusesPhone: true, wantsPerson: false, isQuestion: false } }, createLlmClient(config));
    const d = await decideTurnWithLlm({ script, thread }, { llm: reading });
    expect(d.transition).toEqual({ to: "low_quality", reason: "phone_refused" });
    expect(d.replies.map((r) => r.action)).toEqual(["decline"]);
    expect(d.mode).toBe("llm");
  });

  it("falls back to the rules' reply on a server error", async () => {
    sim.failNext({ status: 500 });
    const d = await decideTurnWithLlm(input("Где вы находитесь?"), { llm: config });
    expect(d.mode).toBe("fallback");
    expect(d.llmError?.kind).toBe("server");
    expect(d.replies).toEqual(decideTurn(input("Где вы находитесь?")).replies);
    expect(d.usage).toEqual([]);
  });

  it("falls back on a bad key and when the provider is unreachable", async () => {
    const bad = await decideTurnWithLlm(input("Где вы?"), { llm: { ...config, apiKey: "sk-nope" } });
    expect(bad).toMatchObject({ mode: "fallback", llmError: { kind: "auth" } });
    const down = await decideTurnWithLlm(input("Где вы?"), { llm: { ...config, baseURL: "http://127.0.0.1:9/v1", timeoutMs: 2000 } });
    expect(down).toMatchObject({ mode: "fallback", llmError: { kind: "network" } });
    expect(down.replies.map((r) => r.action)).toEqual(["greet", "answer", "ask_phone"]);
  });

  it("falls back when the reply step fails, keeping the classification's usage", async () => {
    const calls: string[] = [];
    const real = createLlmClient(config);
    const flaky: LlmClient = {
      model: real.model,
      async completeJson(request) {
        calls.push(request.feature);
        if (request.feature === "agent_reply") throw new LlmError("server", "boom", 503);
        return real.completeJson(request);
      },
    };
    const d = await decideTurnWithLlm(input("а доставка платная?"), { llm: flaky });
    expect(calls).toEqual(["agent_intent", "agent_reply"]);
    expect(d.mode).toBe("fallback");
    expect(d.usage.map((u) => u.feature)).toEqual(["agent_intent"]);
    expect(d.replies[1]?.text).toBe("Доставка бесплатная от 1000 ₽, иначе 150 ₽.");
  });

  it("keeps the rules' text where the model invents a number or changes the plan", async () => {
    const rules = decideTurn(input("а доставка платная?"));
    const messages = rules.replies.map((r) => ({ action: r.action, text: r.action === "answer" ? "Доставка бесплатная, а сегодня скидка 20%!" : `Итак: ${r.text}` }));
    const inventing = scriptedLlm({ agent_intent: QUESTION, agent_reply: { messages } });
    const d = await decideTurnWithLlm(input("а доставка платная?"), { llm: inventing });
    expect(d.mode).toBe("llm");
    expect(d.replies[1]?.text).toBe(rules.replies[1]?.text);
    expect(d.replies[0]?.text).toBe(`Итак: ${rules.replies[0]?.text}`);

    const reordering = scriptedLlm({ agent_intent: QUESTION, agent_reply: { messages: [{ action: "handoff", text: "Передаю менеджеру" }] } });
    const r = await decideTurnWithLlm(input("а доставка платная?"), { llm: reordering });
    expect(r).toMatchObject({ mode: "fallback", llmError: { kind: "invalid_output" } });
    expect(r.replies).toEqual(rules.replies);
    expect(r.usage).toHaveLength(2);
  });

  it("makes no call when the agent is to stay silent", async () => {
    const before = sim.completions.length;
    const d = await decideTurnWithLlm({ ...input("до скольки?"), stage: "assigned" }, { llm: config });
    expect(d).toMatchObject({ mode: "rules", replies: [], usage: [] });
    expect(sim.completions.length).toBe(before);
  });

  it("puts the most similar won dialogs into the context", async () => {
    const examples: WonExample[] = [
      { id: "cake", messages: [{ author: "client", text: "Хочу торт на юбилей" }, { author: "member", text: "Отлично, подберём!" }] },
      { id: "delivery", messages: [{ author: "client", text: "Доставка в Вахитовский район платная?" }, { author: "member", text: "Бесплатно от 1000 ₽" }] },
    ];
    await decideTurnWithLlm(input("а доставка до Вахитовского района платная?"), { llm: config, examples, maxExamples: 1 });
    const system = (sim.completions.at(-1)?.body as { messages: { content: string }[] }).messages[0]?.content ?? "";
    expect(system).toContain("Вахитовский район");
    expect(system).not.toContain("юбилей");
  });
});

describe("the simulator speaks the Chat Completions API", () => {
  it("answers the raw SDK with knowledge from the system prompt, and 401 for a bad key", async () => {
    const openai = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.baseURL, maxRetries: 0 });
    const completion = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: 'Знания:\n```json\n{"facts":{"address":"Казань, ул. Баумана, 12"},"faq":[]}\n```' },
        { role: "user", content: "Где вы находитесь?" },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe("Наш адрес: Казань, ул. Баумана, 12.");
    expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0));

    const schema = { type: "object", additionalProperties: false, required: ["ok", "n"], properties: { ok: { type: "boolean" }, n: { type: "integer" } } };
    const structured = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "?" }],
      response_format: { type: "json_schema", json_schema: { name: "probe", schema, strict: true } },
    });
    expect(JSON.parse(structured.choices[0]?.message.content ?? "")).toEqual({ ok: false, n: 0 });

    await expect(new OpenAI({ apiKey: "bad", baseURL: sim.baseURL, maxRetries: 0 }).chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(openai.chat.completions.create({ model: "m", messages: [] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("pricing and examples", () => {
  it("prices models by family and unknown ones at zero", () => {
    expect(priceOf("gpt-4o-mini-2024-07-18")).toEqual({ inputPerMillion: 0.15, outputPerMillion: 0.6 });
    expect(priceOf("gpt-4o")?.inputPerMillion).toBe(2.5);
    expect(llmCostUsd("gpt-4o-mini", 1_000_000, 1_000_000)).toBeCloseTo(0.75, 10);
    expect(llmCostUsd("local-llama", 1000, 1000)).toBe(0);
    expect(llmCostUsd("local-llama", 1_000_000, 0, { inputPerMillion: 1, outputPerMillion: 2 })).toBe(1);
  });

  it("picks won examples by shared stems", () => {
    const examples: WonExample[] = [
      { id: "a", messages: [{ author: "client", text: "Сколько стоит чистка зубов?" }] },
      { id: "b", messages: [{ author: "client", text: "Хочу имплант" }] },
      { id: "c", messages: [{ author: "member", text: "чистка зубов" }] },
    ];
    expect(pickWonExamples(examples, "почём чистка зубов").map((s) => s.example.id)).toEqual(["a"]);
    expect(pickWonExamples(examples, "")).toEqual([]);
  });
});

describe("classifyWithLlm", () => {
  it("reads the intent with the model and records usage", async () => {
    const result = await classifyWithLlm([client("Мой заказ не пришёл, верните деньги")], config);
    expect(result).toMatchObject({ intent: "complaint", llmError: null });
    expect(result.usage).toHaveLength(1);
    expect(result.usage[0]).toMatchObject({ feature: "intent_routing", provider: "openai" });
  });

  it("falls back to the rules when the model fails", async () => {
    sim.failNext({ status: 503 });
    const result = await classifyWithLlm([client("Заработок от 5000₽ в день без вложений! Пиши в лс")], config);
    expect(result).toMatchObject({ intent: "spam", verdict: null, usage: [], llmError: { kind: "server" } });
  });
});

describe("the reply prompt", () => {
  it("carries the owner's instructions after the rules, and nothing when there are none", () => {
    const base = { projectName: "Зерно", knowledge: defaultScript("Зерно"), examples: [], thread: [], plan: [] };
    const withInstructions = replyMessages({ ...base, instructions: " Сначала предлагайте набор дня. " })[0]!.content;
    expect(withInstructions).toContain("Указания владельца о тоне и подаче (правила выше важнее):\nСначала предлагайте набор дня.\n\nЗнания проекта:");
    expect(withInstructions.indexOf("Правила:")).toBeLessThan(withInstructions.indexOf("Сначала предлагайте"));
    expect(replyMessages({ ...base, instructions: "  " })[0]!.content).not.toContain("Указания владельца");
  });
});
