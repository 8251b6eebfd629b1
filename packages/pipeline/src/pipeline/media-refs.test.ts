import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { mediaChannelRefs, messages, uploadChannelRefs, withTenant } from "@threadline/db";
import { solidPng, type TelegramBotApiSimulator, type VkApiSimulator } from "@threadline/simulators/channels";
import { recordUpload, uploadPrefix } from "@threadline/domain/conversations/uploads.ts";
import { clientMessage, type TestEnv } from "@threadline/testing";
import { sendOutbound, type OutboundDeps } from "./outbound.ts";
import { createOutboundEnv } from "./testing/outbound-env.ts";

type TestTenant = Awaited<ReturnType<TestEnv["createTenant"]>>;

// A library file goes up to a platform once per channel; later sends name it by the platform's
// reference, and a reference the platform refuses is dropped and the file uploaded again.

let O: Awaited<ReturnType<typeof createOutboundEnv>>;
let env: TestEnv;
let T: TestTenant;
let deps: OutboundDeps;
let tg: TelegramBotApiSimulator;
let vk: VkApiSimulator;
let telegram: { id: string; token: string };
let vkChannel: { id: string; groupId: number };
let photoId: string;

/** Stores bytes as /uploads would (a new key each time, as a new upload gets). */
async function uploaded(name: string, data: Buffer) {
  const key = `${uploadPrefix(T.project.id)}${name.replace(/\W/g, "-")}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  await env.deps.storage.put(key, data);
  await withTenant(env.db, T.project.id, (tx) => recordUpload(tx, T.project.id, key));
  return key;
}

/** Stores bytes as /uploads would and takes them into the library. */
async function libraryFile(name: string, mime: string, data: Buffer) {
  const key = await uploaded(name, data);
  return (await env.caller(T.owner.token).media.addUpload({ projectId: T.project.id, storageKey: key, fileName: name, mime })).id;
}

type OneOff = { fileName: string; mime: string; data: Buffer };

/** A client writes in; a manager answers with library files (or a file of their own); the sends run; returns the replies' ids. */
async function replyWith(channelId: string, kind: "vk" | "telegram", chatId: number, mediaIds: string[], oneOff?: OneOff) {
  if (kind === "telegram") tg.simulateClientMessage({ botToken: telegram.token, from: { id: chatId, first_name: "Клиент" }, text: "Пришлите меню" });
  else vk.simulateClientMessage({ groupId: vkChannel.groupId, userId: chatId, text: "Пришлите меню" });
  const { conversationId } = await env.ingest({ id: channelId, projectId: T.project.id, kind }, { ...clientMessage({ chatId: String(chatId), text: "Пришлите меню" }), channel: kind });
  const file = oneOff ? { storageKey: await uploaded(oneOff.fileName, oneOff.data), fileName: oneOff.fileName, mime: oneOff.mime } : undefined;
  const { messageIds } = await env.caller(T.manager.token).conversations.reply({ projectId: T.project.id, conversationId, text: "Наше меню", mediaIds, file });
  const outcomes = [];
  for (const messageId of messageIds) {
    const outcome = await sendOutbound(deps, { projectId: T.project.id, messageId }, { finalAttempt: true });
    // A failure names its stored reason, so an unexpected one says why.
    const [row] = outcome === "failed" ? await env.owner.select({ reason: messages.failureReason }).from(messages).where(eq(messages.id, messageId)) : [];
    outcomes.push(row ? `failed: ${row.reason}` : outcome);
  }
  return { messageIds, outcomes };
}

async function cached(channelId: string, mediaId: string) {
  const [row] = await env.owner.select().from(mediaChannelRefs).where(and(eq(mediaChannelRefs.channelId, channelId), eq(mediaChannelRefs.mediaId, mediaId)));
  return row?.platformRef;
}

beforeAll(async () => {
  O = await createOutboundEnv("Library", "library_bot");
  ({ env, T, deps, tg, vk, telegram, vkChannel } = O);
  photoId = await libraryFile("menu.png", "image/png", solidPng(64, 48));
});
afterAll(async () => O?.close());

describe("library files on Telegram", () => {
  it("uploads on the first send, reuses the file_id after, and uploads again once the file_id is refused", async () => {
    const first = await replyWith(telegram.id, "telegram", 8101, [photoId]);
    expect(first.outcomes).toEqual(["sent"]);
    const [sentFirst] = tg.sentMessages(8101, { botToken: telegram.token });
    expect(sentFirst).toMatchObject({ kind: "photo", caption: "Наше меню", file: { uploaded: true } });
    const fileId = sentFirst!.file!.fileId;
    expect(await cached(telegram.id, photoId)).toBe(fileId);
    // The library's screen shows which channels hold the file already.
    const shown = (await env.caller(T.owner.token).media.library({ projectId: T.project.id })).find((f) => f.id === photoId);
    expect(shown!.channels).toEqual([expect.objectContaining({ id: telegram.id, kind: "telegram" })]);

    expect((await replyWith(telegram.id, "telegram", 8102, [photoId])).outcomes).toEqual(["sent"]);
    expect(tg.sentMessages(8102, { botToken: telegram.token })[0]!.file).toMatchObject({ uploaded: false, fileId });

    // Telegram no longer knows the file: "wrong file identifier", then one upload, then the new id.
    tg.forgetFile(fileId, telegram.token);
    const third = await replyWith(telegram.id, "telegram", 8103, [photoId]);
    expect(third.outcomes).toEqual(["sent"]);
    const sentThird = tg.sentMessages(8103, { botToken: telegram.token });
    expect(sentThird).toHaveLength(1);
    expect(sentThird[0]!.file).toMatchObject({ uploaded: true });
    expect(sentThird[0]!.file!.fileId).not.toBe(fileId);
    expect(await cached(telegram.id, photoId)).toBe(sentThird[0]!.file!.fileId);
  });

  it("a saved reply with several files sends the text with the first and each other file as its own message", async () => {
    const pdf = await libraryFile("price.pdf", "application/pdf", Buffer.from("%PDF-1.4 прайс"));
    const { outcomes } = await replyWith(telegram.id, "telegram", 8104, [photoId, pdf]);
    expect(outcomes).toEqual(["sent", "sent"]);
    const sent = tg.sentMessages(8104, { botToken: telegram.token });
    expect(sent.map((m) => [m.kind, m.caption, m.file?.uploaded])).toEqual([
      ["photo", "Наше меню", false],
      ["document", undefined, true],
    ]);
  });

  it("a photo over Telegram's 10 MB is refused with a reason before any upload", async () => {
    const big = await libraryFile("poster.png", "image/png", Buffer.concat([solidPng(10, 10), Buffer.alloc(11 * 1024 * 1024)]));
    const { outcomes } = await replyWith(telegram.id, "telegram", 8105, [big]);
    expect(outcomes).toEqual([expect.stringMatching(/^failed: .*channel\.fileTooBigForPlatform/)]);
    expect(tg.sentMessages(8105, { botToken: telegram.token })).toHaveLength(0);
  });
});

describe("library files on VK", () => {
  it("uploads on the first send, reuses the attachment string after, and uploads again once VK refuses it", async () => {
    const uploads = () => vk.uploads.filter((u) => u.groupId === vkChannel.groupId).length;
    expect((await replyWith(vkChannel.id, "vk", 9101, [photoId])).outcomes).toEqual(["sent"]);
    expect(uploads()).toBe(1);
    const ref = await cached(vkChannel.id, photoId);
    expect(ref).toMatch(new RegExp(`^photo-${vkChannel.groupId}_\\d+(_\\w+)?$`));

    expect((await replyWith(vkChannel.id, "vk", 9102, [photoId])).outcomes).toEqual(["sent"]);
    expect(uploads()).toBe(1);
    expect(vk.sentMessages(9102, vkChannel.groupId)[0]!.attachments.map((a) => a.type)).toEqual(["photo"]);

    // The photo is gone from VK: messages.send answers 100, the file goes up again.
    vk.forgetAttachment(ref!);
    expect((await replyWith(vkChannel.id, "vk", 9103, [photoId])).outcomes).toEqual(["sent"]);
    expect(uploads()).toBe(2);
    expect(vk.sentMessages(9103, vkChannel.groupId)).toHaveLength(1);
    const renewed = await cached(vkChannel.id, photoId);
    expect(renewed).toBeDefined();
    expect(renewed).not.toBe(ref);
  });
});

describe("a manager's own file sent to several clients of a channel", () => {
  const photo: OneOff = { fileName: "витрина.png", mime: "image/png", data: solidPng(40, 30, [10, 120, 200]) };
  const uploadRefs = () => env.owner.select().from(uploadChannelRefs);

  it("goes up to Telegram once: a new upload of the same bytes is sent by the file_id, other bytes are uploaded", async () => {
    expect((await replyWith(telegram.id, "telegram", 8201, [], photo)).outcomes).toEqual(["sent"]);
    const [first] = tg.sentMessages(8201, { botToken: telegram.token });
    expect(first).toMatchObject({ kind: "photo", caption: "Наше меню", file: { uploaded: true } });
    const fileId = first!.file!.fileId;

    // Attached again (a new upload, a new storage key) for another client: the file_id goes.
    expect((await replyWith(telegram.id, "telegram", 8202, [], { ...photo, fileName: "витрина (1).png" })).outcomes).toEqual(["sent"]);
    expect(tg.sentMessages(8202, { botToken: telegram.token })[0]!.file).toMatchObject({ uploaded: false, fileId });

    // Different bytes are another file.
    expect((await replyWith(telegram.id, "telegram", 8203, [], { ...photo, data: solidPng(40, 30, [200, 10, 10]) })).outcomes).toEqual(["sent"]);
    expect(tg.sentMessages(8203, { botToken: telegram.token })[0]!.file).toMatchObject({ uploaded: true });
    expect((await uploadRefs()).filter((r) => r.channelId === telegram.id)).toHaveLength(2);

    // Telegram forgot the file: refused once, uploaded again in the same send, the new id kept.
    tg.forgetFile(fileId, telegram.token);
    expect((await replyWith(telegram.id, "telegram", 8204, [], photo)).outcomes).toEqual(["sent"]);
    const renewed = tg.sentMessages(8204, { botToken: telegram.token });
    expect(renewed).toHaveLength(1);
    expect(renewed[0]!.file).toMatchObject({ uploaded: true });
    expect((await replyWith(telegram.id, "telegram", 8205, [], photo)).outcomes).toEqual(["sent"]);
    expect(tg.sentMessages(8205, { botToken: telegram.token })[0]!.file).toMatchObject({ uploaded: false, fileId: renewed[0]!.file!.fileId });
  });

  it("a reference is the channel's own: on VK the same bytes go up once more, then by the attachment string", async () => {
    const uploads = () => vk.uploads.filter((u) => u.groupId === vkChannel.groupId).length;
    const before = uploads();
    expect((await replyWith(vkChannel.id, "vk", 9201, [], photo)).outcomes).toEqual(["sent"]);
    expect(uploads()).toBe(before + 1);
    expect((await replyWith(vkChannel.id, "vk", 9202, [], photo)).outcomes).toEqual(["sent"]);
    expect(uploads()).toBe(before + 1);
    expect(vk.sentMessages(9202, vkChannel.groupId)[0]!.attachments.map((a) => a.type)).toEqual(["photo"]);
    expect((await uploadRefs()).find((r) => r.channelId === vkChannel.id)).toMatchObject({ kind: "photo", platformRef: expect.stringMatching(/^photo-/) });
  });
});
