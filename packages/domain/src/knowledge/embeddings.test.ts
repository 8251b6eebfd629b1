import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, isNotNull } from "drizzle-orm";
import { agentSettings, kbPassages, usageRecords, withTenant } from "@threadline/db";
import { OpenAiSimulator } from "@threadline/simulators/ai";
import { createTestEnv, type TestEnv } from "@threadline/testing";
import { agentTurn, readsIn } from "../leads/agent.ts";
import { loadAgentConfig } from "../leads/settings.ts";
import { embedPendingPassages, embedQuery, EMBEDDING_FEATURE, type EmbeddingDeps } from "./embeddings.ts";
import { searchPassages } from "./service.ts";

// The knowledge base by meaning (decision 066): passages embedded with the project's model key
// when a document is added, the question embedded once and ranked together with the text match.
let env: TestEnv;
const sim = new OpenAiSimulator();
type Tenant = Awaited<ReturnType<TestEnv["createTenant"]>>;
let A: Tenant;
let B: Tenant;
let deps: EmbeddingDeps;

// No word in common with the question below: only its meaning (delivery) is shared.
const DELIVERY = "Курьер доставит заказ по городу за один день.";
const QUESTION = "Привезёте в Казань?";

beforeAll(async () => {
  env = await createTestEnv();
  await sim.start();
  env.useEndpoints({ openaiBaseUrl: sim.baseURL });
  deps = { db: env.db, secretKey: env.deps.secretKey, endpoints: env.deps.endpoints, logger: env.deps.logger, health: env.deps.agentHealth };
  [A, B] = [await env.createTenant("Смысл"), await env.createTenant("Сосед")];
  for (const T of [A, B]) await env.caller(T.owner.token).agent.update({ projectId: T.project.id, llm: { model: "gpt-4o-mini", apiKey: sim.apiKey } });
  const addA = (title: string, text: string) => env.caller(A.owner.token).knowledge.addText({ projectId: A.project.id, title, text });
  await addA("Условия", DELIVERY);
  await addA("Уход за сумкой", "Кожаную сумку протирайте влажной тканью, без порошка.");
  await env.caller(B.owner.token).knowledge.addText({ projectId: B.project.id, title: "Прайс", text: "Курьер доставит запчасти на сервис за час." });
});
afterAll(async () => {
  await sim.stop();
  await env?.close();
});

const inA = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(env.db, A.project.id, fn);
const configOf = (T: Tenant) => withTenant(env.db, T.project.id, (tx) => loadAgentConfig(tx, T.project.id));

describe("passages by meaning", () => {
  it("embeds a document's passages when it is added, and records the cost as spend", async () => {
    const embedded = await inA((tx) => tx.select({ model: kbPassages.embeddingModel, embedding: kbPassages.embedding }).from(kbPassages).where(isNotNull(kbPassages.embedding)));
    expect(embedded).toHaveLength(2);
    expect(embedded[0]).toMatchObject({ model: "text-embedding-3-small" });
    expect(embedded[0]!.embedding).toHaveLength(256);
    const spend = await inA((tx) => tx.select().from(usageRecords).where(eq(usageRecords.feature, EMBEDDING_FEATURE)));
    expect(spend.length).toBe(2);
    expect(spend.every((u) => u.inputUnits > 0 && u.model === "text-embedding-3-small")).toBe(true);
    // Nothing left to embed: no call is made again.
    const calls = sim.embeddings.length;
    expect(await embedPendingPassages(deps, A.project.id)).toEqual({ embedded: 0, error: null });
    expect(sim.embeddings.length).toBe(calls);
  });

  it("finds the passage that says it in other words, which the text search alone misses", async () => {
    expect(await inA((tx) => searchPassages(tx, QUESTION))).toEqual([]);
    const meaning = await embedQuery(deps, await configOf(A), A.project.id, QUESTION);
    expect(meaning?.usage).toMatchObject({ feature: EMBEDDING_FEATURE, model: "text-embedding-3-small" });
    const found = await inA((tx) => searchPassages(tx, QUESTION, 5, meaning!.query));
    expect(found.map((p) => p.text)).toEqual([DELIVERY]);
    // A question both rankings agree on puts the passage first, above one matched by a word only.
    const both = await inA(async (tx) => searchPassages(tx, "Курьер привезёт сумку?", 5, (await embedQuery(deps, await configOf(A), A.project.id, "Курьер привезёт сумку?"))!.query));
    expect(both[0]?.text).toBe(DELIVERY);
    expect(both.map((p) => p.title)).toContain("Уход за сумкой");
  });

  it("the agent's turn retrieves it and counts the question's embedding with the turn's usage", async () => {
    const turn = await inA(async (tx) =>
      agentTurn(readsIn(tx), deps, await loadAgentConfig(tx, A.project.id), {
        projectId: A.project.id,
        thread: [{ author: "client", text: QUESTION, sentAt: new Date() }],
        known: { phone: null, name: null, email: null },
        stage: "bot",
        conversationId: null,
      }),
    );
    expect(turn.retrieved.map((p) => p.text)).toContain(DELIVERY);
    expect(turn.usage.map((u) => u.feature)).toContain(EMBEDDING_FEATURE);
  });

  it("without a key nothing is embedded or asked, and the text search works as before", async () => {
    const C = await env.createTenant("Без ключа");
    const calls = sim.embeddings.length;
    await env.caller(C.owner.token).knowledge.addText({ projectId: C.project.id, title: "Условия", text: DELIVERY });
    expect(await embedPendingPassages(deps, C.project.id)).toEqual({ embedded: 0, error: null });
    expect(await embedQuery(deps, await configOf(C), C.project.id, QUESTION)).toBeNull();
    const turn = await withTenant(env.db, C.project.id, async (tx) =>
      agentTurn(readsIn(tx), deps, await loadAgentConfig(tx, C.project.id), {
        projectId: C.project.id,
        thread: [{ author: "client", text: "Курьер доставит?", sentAt: new Date() }],
        known: { phone: null, name: null, email: null },
        stage: "bot",
        conversationId: null,
      }),
    );
    expect(turn.retrieved[0]?.text).toBe(DELIVERY);
    expect(sim.embeddings.length).toBe(calls);
  });

  it("a key that fails falls back to the text ranking, shows on the agent's health, and never breaks a turn", async () => {
    sim.failNext({ status: 401 });
    const turn = await inA(async (tx) =>
      agentTurn(readsIn(tx), { ...deps, logger: undefined }, await loadAgentConfig(tx, A.project.id), {
        projectId: A.project.id,
        thread: [{ author: "client", text: "Как чистить кожаную сумку?", sentAt: new Date() }],
        known: { phone: null, name: null, email: null },
        stage: "bot",
        conversationId: null,
      }),
    );
    expect(turn.retrieved[0]?.title).toBe("Уход за сумкой");
    expect(turn.usage.map((u) => u.feature)).not.toContain(EMBEDDING_FEATURE);
    const health = await env.deps.agentHealth!.read(A.project.id);
    // The reply model answered after the failed embedding: the failure is on record with its kind.
    expect(health.lastError).toMatchObject({ kind: "auth" });

    // A document added while the provider fails keeps its passages, found by text, without vectors.
    sim.failNext({ status: 500, times: 2 });
    await env.caller(A.owner.token).knowledge.addText({ projectId: A.project.id, title: "Оплата", text: "Картой или наличными при получении." });
    const unembedded = await inA((tx) => tx.select().from(kbPassages).where(and(eq(kbPassages.title, "Оплата"))));
    expect(unembedded).toHaveLength(1);
    expect(unembedded[0]!.embedding).toBeNull();
    expect((await env.deps.agentHealth!.read(A.project.id)).state).toBe("failing");
    // The next document embeds what was left behind.
    await env.caller(A.owner.token).knowledge.addText({ projectId: A.project.id, title: "Гарантия", text: "Год на всё." });
    const later = await inA((tx) => tx.select().from(kbPassages).where(isNotNull(kbPassages.embedding)));
    expect(later.map((p) => p.title)).toEqual(expect.arrayContaining(["Оплата", "Гарантия"]));
  });

  it("a project never sees another project's passages or vectors", async () => {
    const inB = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(env.db, B.project.id, fn);
    const rows = await inB((tx) => tx.select({ projectId: kbPassages.projectId }).from(kbPassages).where(isNotNull(kbPassages.embedding)));
    expect(rows.length).toBe(1);
    expect(rows.every((r) => r.projectId === B.project.id)).toBe(true);
    // A's question, by meaning, in B: only B's own delivery passage, never A's.
    const meaning = await embedQuery(deps, await configOf(B), B.project.id, QUESTION);
    const found = await inB((tx) => searchPassages(tx, QUESTION, 5, meaning!.query));
    expect(found.map((p) => p.text)).toEqual(["Курьер доставит запчасти на сервис за час."]);
    // B's embedding run never touches A's passages either.
    expect(await embedPendingPassages(deps, B.project.id)).toEqual({ embedded: 0, error: null });
  });

  it("another embedding model chosen in the agent's settings embeds every passage anew with it; the question is asked with it", async () => {
    const owner = env.caller(A.owner.token).agent;
    const modelsOfA = async () => (await inA((tx) => tx.select({ model: kbPassages.embeddingModel }).from(kbPassages).where(isNotNull(kbPassages.embedding)))).map((p) => p.model);
    const asked = (from: number) => sim.embeddings.slice(from).map((r) => (r.body as { model: string }).model);
    const passages = (await modelsOfA()).length;
    const calls = sim.embeddings.length;
    const saved = await owner.update({ projectId: A.project.id, llm: { embeddingModel: " bge-m3 " } });
    expect(saved.llm).toMatchObject({ embeddingModel: "bge-m3", embeddingDefault: "text-embedding-3-small" });
    expect(await modelsOfA()).toEqual(Array(passages).fill("bge-m3"));
    expect(asked(calls)).toEqual(["bge-m3"]);
    expect((await embedQuery(deps, await configOf(A), A.project.id, QUESTION))!.query.model).toBe("bge-m3");
    // Saved again unchanged: nothing is embedded anew.
    const afterQuestion = sim.embeddings.length;
    await owner.update({ projectId: A.project.id, llm: { embeddingModel: "bge-m3" } });
    expect(asked(afterQuestion)).toEqual([]);
    // Not a model's name: refused, nothing changed.
    await expect(owner.update({ projectId: A.project.id, llm: { embeddingModel: "bge m3'; --" } })).rejects.toThrow("латиница");
    expect((await configOf(A)).embeddingModel).toBe("bge-m3");
    // Empty is the default again, and the passages follow.
    await owner.update({ projectId: A.project.id, llm: { embeddingModel: "" } });
    expect(await modelsOfA()).toEqual(Array(passages).fill("text-embedding-3-small"));
  });

  it("changing the embedding model is counted per member before any passage is embedded", async () => {
    const owner = env.caller(B.owner.token).agent;
    const calls = sim.embeddings.length;
    let saved = 0;
    let refused: unknown = null;
    for (let i = 0; i < 12 && !refused; i++) {
      await owner.update({ projectId: B.project.id, llm: { embeddingModel: `model-${i}` } }).then(
        () => saved++,
        (e: unknown) => (refused = e),
      );
    }
    // The limit (10 a minute, shared with key checks) stops the loop before the 12th save.
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(sim.embeddings.length - calls).toBe(saved);
    // The refused save changed nothing: the model is the last one saved.
    expect((await configOf(B)).embeddingModel).toBe(`model-${saved - 1}`);
    await withTenant(env.db, B.project.id, (tx) => tx.update(agentSettings).set({ embeddingModel: null }).where(eq(agentSettings.projectId, B.project.id)));
  });
});
