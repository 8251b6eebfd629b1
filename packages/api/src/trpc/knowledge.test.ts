import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conversations, messages, withTenant } from "@threadline/db";
import { sql } from "drizzle-orm";
import { recordUpload, uploadPrefix } from "@threadline/domain/conversations/uploads.ts";
import { MAX_DOCUMENT_BYTES } from "@threadline/domain/knowledge/index.ts";
import { createTestEnv, type TestEnv } from "@threadline/testing";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;

async function upload(name: string, data: Buffer): Promise<string> {
  const key = `${uploadPrefix(T.project.id)}${name}`;
  await env.deps.storage.put(key, data);
  await withTenant(env.db, T.project.id, (tx) => recordUpload(tx, T.project.id, key));
  return key;
}

beforeAll(async () => {
  env = await createTestEnv();
  T = await env.createTenant("Знания");
});
afterAll(async () => env?.close());

describe("knowledge procedures", () => {
  it("an uploaded file becomes a document once; its stored bytes are removed", async () => {
    const owner = env.caller(T.owner.token).knowledge;
    const key = await upload("delivery", Buffer.from("# Доставка\n\nДоставляем по Казани за два часа, бесплатно от 3000 рублей."));
    const doc = await owner.addUpload({ projectId: T.project.id, storageKey: key, fileName: "dostavka.md" });
    expect(doc).toMatchObject({ title: "dostavka", kind: "markdown", passageCount: 1 });
    expect(await env.deps.storage.open(key)).toBeNull();
    await expect(owner.addUpload({ projectId: T.project.id, storageKey: key, fileName: "dostavka.md" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const full = await owner.get({ projectId: T.project.id, documentId: doc.id });
    expect(full.passages[0]!.text).toContain("бесплатно от 3000");
    expect((await owner.list({ projectId: T.project.id })).map((d) => d.id)).toEqual([doc.id]);
  });

  it("a file too large is refused by its stored size before it is read, and nothing is lost", async () => {
    const owner = env.caller(T.owner.token).knowledge;
    const before = await owner.list({ projectId: T.project.id });
    const key = await upload("huge", Buffer.alloc(MAX_DOCUMENT_BYTES + 1, 0x61));
    const error = await owner.addUpload({ projectId: T.project.id, storageKey: key, fileName: "huge.txt" }).catch((e: { cause?: { code?: string } }) => e.cause?.code);
    expect(error).toBe("knowledge.tooLarge");
    const bad = await upload("exe", Buffer.from("MZ\x90\x00binary"));
    const badError = await owner.addUpload({ projectId: T.project.id, storageKey: bad, fileName: "tool.exe" }).catch((e: { cause?: { code?: string } }) => e.cause?.code);
    expect(badError).toBe("knowledge.fileType");
    expect(await owner.list({ projectId: T.project.id })).toEqual(before);
  });

  it("a manager without project settings may not read or change the knowledge base", async () => {
    const manager = env.caller(T.manager.token).knowledge;
    await expect(manager.list({ projectId: T.project.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(manager.addText({ projectId: T.project.id, title: "Цены", text: "Всё бесплатно" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("text documents are added and removed", async () => {
    const owner = env.caller(T.owner.token).knowledge;
    const doc = await owner.addText({ projectId: T.project.id, title: "Гарантия", text: "Гарантия на ремонт — год." });
    await owner.remove({ projectId: T.project.id, documentId: doc.id });
    await expect(owner.get({ projectId: T.project.id, documentId: doc.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("the sandbox answers from a document and shows the passage, storing no message", async () => {
    const owner = env.caller(T.owner.token);
    const doc = await owner.knowledge.addText({ projectId: T.project.id, title: "Самовывоз", text: "Самовывоз работает с понедельника по пятницу с 9 до 18 на Баумана 12." });
    const count = () => withTenant(env.db, T.project.id, async (tx) => [(await tx.select({ n: sql<number>`count(*)::int` }).from(messages))[0]!.n, (await tx.select({ n: sql<number>`count(*)::int` }).from(conversations))[0]!.n]);
    const before = await count();
    const turn = await owner.agent.sandbox({ projectId: T.project.id, messages: [{ author: "client", text: "Здравствуйте! По какому адресу самовывоз?" }] });
    expect(turn.replies.map((r) => r.text).join("\n")).toContain("Баумана 12");
    expect(turn.passages.map((p) => p.id)).toContain((await owner.knowledge.get({ projectId: T.project.id, documentId: doc.id })).passages[0]!.id);
    expect(turn.passages[0]!.text).toContain("Баумана");
    expect(turn.rules.length).toBeGreaterThan(0);
    expect(await count()).toEqual(before);
    await expect(env.caller(T.manager.token).agent.sandbox({ projectId: T.project.id, messages: [{ author: "client", text: "Адрес?" }] })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("the sandbox refuses a conversation too long or not ending with the client, in Russian", async () => {
    const owner = env.caller(T.owner.token).agent;
    const many = Array.from({ length: 41 }, (_, i) => ({ author: i % 2 ? ("agent" as const) : ("client" as const), text: `Сообщение ${i}` }));
    await expect(owner.sandbox({ projectId: T.project.id, messages: many })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("не больше 40 сообщений") });
    await expect(owner.sandbox({ projectId: T.project.id, messages: [{ author: "client", text: "Привет" }, { author: "agent", text: "Здравствуйте" }] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Последнее сообщение — от клиента"),
    });
  });
});
