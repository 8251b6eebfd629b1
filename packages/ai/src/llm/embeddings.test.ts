import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAiSimulator } from "@threadline/simulators/ai";
import { LlmError } from "./client.ts";
import { EMBEDDING_BATCH, EMBEDDING_DIMENSIONS, embedTexts, type EmbeddingConfig } from "./embeddings.ts";
import { llmCostUsd } from "./pricing.ts";

const sim = new OpenAiSimulator();
let config: EmbeddingConfig;

beforeAll(async () => {
  await sim.start();
  config = { apiKey: sim.apiKey, model: "text-embedding-3-small", baseURL: sim.baseURL, maxRetries: 0 };
});
afterAll(() => sim.stop());

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe("embeddings", () => {
  it("answers /v1/embeddings in the API's shape, floats and the SDK's base64 alike", async () => {
    const openai = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.baseURL, maxRetries: 0 });
    const floats = await openai.embeddings.create({ model: "text-embedding-3-small", input: ["Курьер привезёт заказ"], encoding_format: "float" });
    expect(floats).toMatchObject({ object: "list", model: "text-embedding-3-small", data: [{ object: "embedding", index: 0 }] });
    expect(floats.data[0]!.embedding).toHaveLength(1536);
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);
    // The SDK asks for base64 unless told otherwise and decodes it to the same numbers.
    const decoded = await openai.embeddings.create({ model: "text-embedding-3-small", input: "Курьер привезёт заказ" });
    expect(decoded.data[0]!.embedding[0]).toBeCloseTo(floats.data[0]!.embedding[0]!, 6);
  });

  it("embeds in batches, in order, shortened, unit length, with the cost of the tokens", async () => {
    const before = sim.embeddings.length;
    const texts = Array.from({ length: EMBEDDING_BATCH + 3 }, (_, i) => `Доставка номер ${i}`);
    const { vectors, usage } = await embedTexts(config, texts, "knowledge_embeddings");
    expect(sim.embeddings.length - before).toBe(2);
    expect(vectors).toHaveLength(texts.length);
    expect(vectors[0]).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(dot(vectors[5]!, vectors[5]!)).toBeCloseTo(1, 5);
    expect(usage).toMatchObject({ provider: "openai", feature: "knowledge_embeddings", model: "text-embedding-3-small", outputTokens: 0 });
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.costUsd).toBe(llmCostUsd("text-embedding-3-small", usage.inputTokens, 0));
  });

  it("puts texts of one meaning close although they share no word", async () => {
    const { vectors } = await embedTexts(config, ["Привезёте в Казань?", "Курьер доставит по городу за день", "Кожаную сумку протирайте влажной тканью"], "f");
    const [question, delivery, care] = vectors as [number[], number[], number[]];
    expect(dot(question, delivery)).toBeGreaterThan(0.3);
    expect(dot(question, delivery)).toBeGreaterThan(dot(question, care) + 0.3);
  });

  it("a provider's answer that is not vectors of numbers of one length is refused, nothing partial kept", async () => {
    const answers = [
      [{ index: 0, embedding: [0.1, "x"] }],
      [{ index: 0, embedding: [0.1, null] }],
      [{ index: 0, embedding: [] }],
      [
        { index: 0, embedding: [0.1, 0.2] },
        { index: 1, embedding: [0.1, 0.2, 0.3] },
      ],
    ];
    let next = 0;
    const server = createServer((_req, res) => {
      const data = answers[next++]!.map((d) => ({ object: "embedding", ...d }));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", model: "m", data, usage: { prompt_tokens: 1, total_tokens: 1 } }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const odd = { apiKey: "sk-any", model: "m", baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, maxRetries: 0 };
      for (const input of [["a"], ["a"], ["a"], ["a", "b"]]) await expect(embedTexts(odd, input, "f")).rejects.toBeInstanceOf(LlmError);
    } finally {
      server.close();
    }
  });

  it("a refused key is an auth error with the API's 401 body", async () => {
    const res = await fetch(`${sim.baseURL}/embeddings`, { method: "POST", headers: { authorization: "Bearer sk-wrong", "content-type": "application/json" }, body: JSON.stringify({ model: "m", input: "x" }) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error", code: "invalid_api_key" } });
    await expect(embedTexts({ ...config, apiKey: "sk-wrong" }, ["x"], "f")).rejects.toMatchObject({ kind: "auth" });
    await expect(embedTexts({ ...config, apiKey: "sk-wrong" }, ["x"], "f")).rejects.toBeInstanceOf(LlmError);
  });
});
