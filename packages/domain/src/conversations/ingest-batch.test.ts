import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { attachments, contacts, conversations, messages } from "@threadline/db";
import { vkRandomId, type ChannelEvent } from "@threadline/channels";
import { clientMessage, createTwoTenantEnv, type TestEnv } from "@threadline/testing";
import { ingestEvent, type ChannelRef, type IngestResult } from "./ingest.ts";
import { ingestBatch } from "./ingest-batch.ts";
import { IngestBatcher } from "./ingest-batcher.ts";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
let U: Awaited<ReturnType<TestEnv["createTenant"]>>;
beforeAll(async () => {
  ({ env, A: T, B: U } = await createTwoTenantEnv("Batch", "Other"));
});
afterAll(async () => env?.close());

const at = (second: number) => new Date(Date.UTC(2026, 0, 10, 12, 0, second));
const asMessage = (r: IngestResult) => {
  if (r.kind !== "message") throw new Error(`expected a message, got ${r.kind}`);
  return r;
};

async function conversationOf(channel: ChannelRef, chatId: string) {
  const [c] = await env.owner.select().from(conversations).where(and(eq(conversations.channelId, channel.id), eq(conversations.externalChatId, chatId)));
  return c!;
}

async function contactOf(channel: ChannelRef, externalId: string) {
  const [c] = await env.owner.select().from(contacts).where(and(eq(contacts.channelId, channel.id), eq(contacts.externalId, externalId)));
  return c!;
}

describe("group commit of inbound events", () => {
  it("many concurrent events of one new conversation give one contact, one conversation and the right counts", async () => {
    const batcher = new IngestBatcher(env.db);
    const events = Array.from({ length: 40 }, (_, i) => clientMessage({ chatId: "7001", id: `burst-${i}`, text: `Сообщение ${i}`, at: at(i % 7) }));
    const results = (await Promise.all(events.map((e) => batcher.ingest(T.channel, e)))).map(asMessage);

    expect(results.every((r) => r.created)).toBe(true);
    expect(results.filter((r) => r.newConversation)).toHaveLength(1);
    expect(new Set(results.map((r) => r.conversationId)).size).toBe(1);
    expect(await env.owner.select().from(contacts).where(and(eq(contacts.channelId, T.channel.id), eq(contacts.externalId, "7001")))).toHaveLength(1);
    const conversation = await conversationOf(T.channel, "7001");
    const ids = results.map((r) => r.messageId);
    expect(conversation).toMatchObject({ messageCount: 40, lastSeq: Math.max(...ids), lastInboundSeq: Math.max(...ids), lastMessageDirection: "in" });
    // Newest time is second 6; of the events at that time the last one given wins, as one by one.
    expect(conversation.lastMessagePreview).toBe("Сообщение 34");
    // Each job gets the row of its own event.
    const rows = await env.owner.select({ id: messages.id, externalId: messages.externalId }).from(messages).where(inArray(messages.id, ids));
    const byId = new Map(rows.map((r) => [r.id, r.externalId]));
    expect(results.map((r) => byId.get(r.messageId))).toEqual(events.map((e) => `7001:${e.type === "message" ? e.externalMessageId : ""}`));
  });

  it("a batch with a poisoned event stores the others and fails only that event's job", async () => {
    const failures: number[] = [];
    const batcher = new IngestBatcher(env.db, { onFallback: (_err, size) => failures.push(size) });
    const good1 = clientMessage({ chatId: "7101", id: "ok-1", text: "Первое" });
    // Postgres refuses a NUL character in text: this event can never be stored.
    const poisoned = clientMessage({ chatId: "7102", id: "bad-1", text: "сломано \u0000" });
    const good2 = clientMessage({ chatId: "7103", id: "ok-2", text: "Второе" });
    const outcomes = await Promise.allSettled([good1, poisoned, good2].map((e) => batcher.ingest(T.channel, e)));

    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(failures).toEqual([3]);
    const stored = await env.owner.select({ externalId: messages.externalId }).from(messages).where(inArray(messages.externalId, ["7101:ok-1", "7102:bad-1", "7103:ok-2"]));
    expect(stored.map((m) => m.externalId).sort()).toEqual(["7101:ok-1", "7103:ok-2"]);
    expect((await conversationOf(T.channel, "7103")).messageCount).toBe(1);
  });

  it("a platform message delivered twice in one batch, and again later, is one row", async () => {
    const event = clientMessage({ chatId: "7201", id: "twice", text: "Повтор" });
    const other = clientMessage({ chatId: "7201", id: "once", text: "Другое" });
    const results = (await ingestBatch(env.db, T.project.id, [event, event, other].map((e) => ({ channel: T.channel, event: e })))).map(asMessage);
    expect(results.map((r) => r.created)).toEqual([true, false, true]);
    expect(results[1]!.messageId).toBe(results[0]!.messageId);
    expect(results.map((r) => r.newConversation)).toEqual([true, false, false]);
    const again = asMessage((await ingestBatch(env.db, T.project.id, [{ channel: T.channel, event }]))[0]!);
    expect(again).toMatchObject({ created: false, messageId: results[0]!.messageId, newConversation: false });
    expect(await env.owner.select().from(messages).where(eq(messages.externalId, "7201:twice"))).toHaveLength(1);
    expect((await conversationOf(T.channel, "7201")).messageCount).toBe(2);
  });

  it("concurrent events of several projects each get their own result", async () => {
    const batcher = new IngestBatcher(env.db);
    const jobs = Array.from({ length: 30 }, (_, i) => ({ channel: i % 2 ? T.channel : U.channel, event: clientMessage({ chatId: `73${i % 5}`, id: `own-${i}`, text: `Текст ${i}` }) }));
    const results = (await Promise.all(jobs.map((j) => batcher.ingest(j.channel, j.event)))).map(asMessage);
    for (const [i, r] of results.entries()) {
      const [row] = await env.owner.select().from(messages).where(eq(messages.id, r.messageId));
      expect(row).toMatchObject({ projectId: jobs[i]!.channel.projectId, text: `Текст ${i}`, conversationId: r.conversationId });
    }
  });

  it("leaves conversations, contacts and files exactly as storing the events one by one does", async () => {
    // The same story in two channels: one stored one by one, the other in one batch.
    const story = (prefix: string): ChannelEvent[] => {
      const m = (chatId: string, id: string, second: number, extra: Partial<Parameters<typeof clientMessage>[0]> = {}) => clientMessage({ chatId: `${prefix}${chatId}`, id, at: at(second), text: `текст ${id}`, ...extra });
      const first = m("1", "a", 10, { name: "Ольга", attribution: { via: "telegram_start", raw: "promo_1", utm: { source: "vk_ads" } } });
      return [
        first,
        m("1", "b", 5, { text: "", attachments: [{ kind: "photo", fileId: "ph-1", mime: "image/jpeg", size: 10 }, { kind: "voice", fileId: "vo-1" }] }),
        { ...m("1", "c", 12, { direction: "outbound", name: "" }), client: { externalUserId: `${prefix}1`, username: "olga_new" } },
        m("1", "d", 12, { name: "Ольга Петрова", attribution: { via: "telegram_start", raw: "promo_2" } }),
        { type: "edit", channel: "telegram", dedupeId: `edit:${prefix}`, chatId: `${prefix}1`, client: { externalUserId: `${prefix}1` }, occurredAt: at(20).toISOString(), externalMessageId: "a", text: "исправлено", attachments: [], editedAt: at(20).toISOString() },
        m("2", "e", 3),
        first,
        m("2", "f", 1),
        // A later event without a name keeps the name known.
        { ...m("1", "g", 2), client: { externalUserId: `${prefix}1` } },
      ];
    };
    const oneByOne = await env.createChannel(T.project.id, "telegram");
    const batched = await env.createChannel(T.project.id, "telegram");
    const single: IngestResult[] = [];
    for (const event of story("81")) single.push(await ingestEvent(env.db, oneByOne, event));
    const batch = await ingestBatch(env.db, T.project.id, story("81").map((event) => ({ channel: batched, event })));

    const shape = (r: IngestResult) => (r.kind === "message" ? { created: r.created, newConversation: r.newConversation, direction: r.direction, files: r.attachmentIds.length } : r.kind);
    expect(batch.map(shape)).toEqual(single.map(shape));
    for (const chat of ["811", "812"]) {
      const pick = (c: typeof conversations.$inferSelect) => ({ count: c.messageCount, preview: c.lastMessagePreview, direction: c.lastMessageDirection, at: c.lastMessageAt, attribution: c.attribution });
      expect(pick(await conversationOf(batched, chat))).toEqual(pick(await conversationOf(oneByOne, chat)));
    }
    const person = (c: typeof contacts.$inferSelect) => ({ name: c.name, username: c.username, profileUrl: c.profileUrl, firstTouch: c.firstTouch });
    expect(person(await contactOf(batched, "811"))).toEqual(person(await contactOf(oneByOne, "811")));
    const texts = async (channel: ChannelRef) => (await env.owner.select({ e: messages.externalId, t: messages.text, k: messages.kind }).from(messages).where(eq(messages.channelId, channel.id))).sort((x, y) => x.e!.localeCompare(y.e!));
    expect(await texts(batched)).toEqual(await texts(oneByOne));
    const photoMessage = asMessage(batch[1]!);
    const files = await env.owner.select().from(attachments).where(eq(attachments.messageId, photoMessage.messageId));
    expect(files.map((f) => f.id).sort()).toEqual([...photoMessage.attachmentIds].sort());
    expect(files.map((f) => f.platformFileId).sort()).toEqual(["ph-1", "vo-1"]);
  });

  it("VK's echo of a message Threadline sent is that message, also inside a batch", async () => {
    const vk = await env.createChannel(T.project.id, "vk");
    const first = asMessage(await ingestEvent(env.db, vk, { ...clientMessage({ chatId: "9001", id: "501" }), channel: "vk" }));
    const [sent] = await env.owner
      .insert(messages)
      .values({ projectId: T.project.id, conversationId: first.conversationId, channelId: vk.id, direction: "out", author: "member", text: "Ответ", sentAt: new Date(), delivery: "pending", clientKey: "reply-key-1" })
      .returning();
    const echo = { ...clientMessage({ chatId: "9001", id: "502", direction: "outbound", text: "Ответ" }), channel: "vk" as const, vkRandomId: vkRandomId("reply-key-1") };
    const next = { ...clientMessage({ chatId: "9001", id: "503", text: "Спасибо" }), channel: "vk" as const };
    const results = (await ingestBatch(env.db, T.project.id, [echo, next].map((event) => ({ channel: vk, event })))).map(asMessage);
    expect(results[0]).toMatchObject({ created: false, messageId: sent!.id });
    expect(results[1]).toMatchObject({ created: true, direction: "in" });
    const [echoed] = await env.owner.select().from(messages).where(eq(messages.id, sent!.id));
    expect(echoed!.externalId).toBe("502");
    expect((await conversationOf(vk, "9001")).messageCount).toBe(2);
  });
});
