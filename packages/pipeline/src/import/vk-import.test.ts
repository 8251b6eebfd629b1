import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { attachments, channels, conversations, importRuns, messages, withTenant } from "@threadline/db";
import { VkAdapter } from "@threadline/channels";
import { VkApiSimulator } from "@threadline/simulators/channels";
import { encryptSecret } from "@threadline/domain/crypto.ts";
import { createTestEnv, startTestPipeline, type TestEnv } from "@threadline/testing";
import { createImportRun } from "./runs.ts";
import { runVkImport } from "./vk-import.ts";
import { startImportChild } from "./testing/child.ts";
import { communityMessages, historyMismatch, messageFingerprint, seedVkCommunity, simulatedFingerprint } from "./testing/community.ts";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
const vk = new VkApiSimulator();

beforeAll(async () => {
  env = await createTestEnv();
  T = await env.createTenant("Import");
  await vk.start();
  env.useEndpoints({ vkApiBaseUrl: vk.apiBaseUrl });
});
afterAll(async () => {
  await vk.stop();
  await env?.close();
});

async function vkChannel(community: { groupId: number; token: string; confirmation: string }, secret = "vk-import-secret") {
  const [row] = await withTenant(env.db, T.project.id, (tx) =>
    tx
      .insert(channels)
      .values({ projectId: T.project.id, kind: "vk", name: "Сообщество", externalId: String(community.groupId), tokenEnc: encryptSecret(community.token, env.deps.secretKey), webhookSecret: secret, confirmation: community.confirmation })
      .returning(),
  );
  return row!.id;
}

async function storedFingerprints(channelId: string): Promise<string[]> {
  const rows = await env.owner
    .select({ externalId: messages.externalId, chatId: conversations.externalChatId, direction: messages.direction, sentAt: messages.sentAt, text: messages.text })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(eq(messages.channelId, channelId));
  return rows.map((r) => messageFingerprint({ externalId: r.externalId!, chatId: r.chatId, direction: r.direction, sentAtSec: Math.floor(r.sentAt.getTime() / 1000), text: r.text }));
}

async function runRow(runId: string) {
  const [row] = await env.owner.select().from(importRuns).where(eq(importRuns.id, runId));
  return row!;
}

describe("VK history import", () => {
  it("survives its worker being killed mid-import: the stored history equals the community's", async () => {
    // Realistic counts: a few long dialogs whose pages span executes.
    const community = seedVkCommunity(vk, { dialogs: 400, seed: 7 });
    const channelId = await vkChannel(community);
    const run = await withTenant(env.db, T.project.id, (tx) => createImportRun(tx, { projectId: T.project.id, channelId, source: "vk_api" }));
    const childEnv = { databaseUrl: env.database.appUrl, projectId: T.project.id, runId: run.id, groupId: community.groupId, token: community.token, apiBaseUrl: vk.apiBaseUrl, requestsPerSecond: 4 };

    let kills = 0;
    let lastRequests = 0;
    while (kills < 3) {
      const child = startImportChild(childEnv);
      // Let it commit a couple of pages, then kill it without warning.
      await expect.poll(async () => (await runRow(run.id)).apiRequests, { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(lastRequests + 2 + kills);
      child.kill();
      expect(await child.done).toBeNull();
      kills += 1;
      lastRequests = (await runRow(run.id)).apiRequests;
      expect((await runRow(run.id)).state).toBe("running");
    }
    const last = startImportChild({ ...childEnv, requestsPerSecond: 20 });
    expect(await last.done).toMatchObject({ outcome: "done" });

    const row = await runRow(run.id);
    expect(row).toMatchObject({ state: "done", totalDialogs: 400, doneDialogs: 400 });
    const expected = [...communityMessages(community.community)].map(simulatedFingerprint);
    const stored = await storedFingerprints(channelId);
    expect(stored.length).toBe(expected.length);
    expect(historyMismatch(expected, stored)).toEqual({ missing: 0, duplicated: 0, extra: 0 });
    expect(row.importedMessages).toBe(expected.length);

    // Aggregates match the messages; imported history is read except what VK says is unread.
    const [agg] = await env.owner.execute<{ bad: number }>(sql`
      select count(*)::int as bad from conversations c
      where c.channel_id = ${channelId} and c.message_count <> (select count(*) from messages m where m.conversation_id = c.id)`);
    expect(agg!.bad).toBe(0);
    const sim = community.community;
    const expectedUnread = [...sim.mailbox.peers()].filter((peerId) => sim.mailbox.unreadAfter(peerId, sim.peer(peerId).inRead) > 0).length;
    expect(expectedUnread).toBeGreaterThan(0);
    const [unreadRows] = await env.owner.execute<{ n: number }>(sql`
      select count(*)::int as n from conversations c
      where c.channel_id = ${channelId} and c.last_inbound_seq > coalesce((select r.last_read_seq from conversation_reads r where r.conversation_id = c.id and r.membership_id = ${T.manager.membershipId}), 0)`);
    expect(unreadRows!.n).toBe(expectedUnread);
  }, 120_000);

  it("a live message arriving during the import is stored once", async () => {
    const pipeline = await startTestPipeline(env);
    try {
      const community = seedVkCommunity(vk, { dialogs: 120, messagesPerDialog: 3, seed: 11, firstUserId: 500_000 });
      const secret = "vk-live-secret";
      const channelId = await vkChannel(community, secret);
      await new VkAdapter({ groupId: community.groupId, token: community.token, apiBaseUrl: vk.apiBaseUrl }).registerWebhook({ url: `${pipeline.url}/webhooks/vk/${channelId}`, secret });
      const run = await withTenant(env.db, T.project.id, (tx) => createImportRun(tx, { projectId: T.project.id, channelId, source: "vk_api" }));
      const adapter = new VkAdapter({ groupId: community.groupId, token: community.token, apiBaseUrl: vk.apiBaseUrl });
      const importing = runVkImport({ db: env.db, adapter: async () => adapter, requestsPerSecond: 3 }, { projectId: T.project.id, runId: run.id });
      await expect.poll(async () => (await runRow(run.id)).apiRequests, { timeout: 10_000, interval: 50 }).toBeGreaterThanOrEqual(1);
      // A client of a dialog far down the list writes while the import walks the list.
      const live = vk.simulateClientMessage({ groupId: community.groupId, userId: 500_100, text: "Пишу прямо во время импорта" }) as { id: number };
      await expect.poll(async () => (await env.owner.select().from(messages).where(and(eq(messages.channelId, channelId), eq(messages.externalId, String(live.id))))).length, { timeout: 10_000 }).toBe(1);
      expect(await importing).toBe("done");
      const rows = await env.owner.select().from(messages).where(and(eq(messages.channelId, channelId), eq(messages.externalId, String(live.id))));
      expect(rows).toHaveLength(1);
      const expected = [...communityMessages(community.community)].map(simulatedFingerprint);
      expect(historyMismatch(expected, await storedFingerprints(channelId))).toEqual({ missing: 0, duplicated: 0, extra: 0 });
      const [conv] = await env.owner.select().from(conversations).where(and(eq(conversations.channelId, channelId), eq(conversations.externalChatId, "500100")));
      expect(conv!.messageCount).toBe(4);
      expect(conv!.lastMessagePreview).toBe("Пишу прямо во время импорта");
      expect(conv!.lastMessageAuthor).toBe("client");
      // Every imported conversation names who wrote last: the client, or the community's staff.
      const authors = await env.owner.selectDistinct({ direction: conversations.lastMessageDirection, author: conversations.lastMessageAuthor, authorId: conversations.lastMessageAuthorId }).from(conversations).where(eq(conversations.channelId, channelId));
      expect(authors.length).toBeGreaterThan(0);
      for (const a of authors) expect(a).toEqual({ direction: a.direction, author: a.direction === "in" ? "client" : "member", authorId: null });
    } finally {
      await pipeline.close();
    }
  }, 60_000);

  it("stores the files of imported messages as attachments, fetched by the media job", async () => {
    const pipeline = await startTestPipeline(env);
    try {
      const community = seedVkCommunity(vk, { dialogs: 150, messagesPerDialog: 4, seed: 21, firstUserId: 800_000 });
      const channelId = await vkChannel(community, "vk-files-secret");
      const expected = [...communityMessages(community.community)].filter((m) => community.community.message(m.id)!.attachments.length > 0);
      expect(expected.length).toBeGreaterThan(5);
      const run = await withTenant(env.db, T.project.id, (tx) => createImportRun(tx, { projectId: T.project.id, channelId, source: "vk_api" }));
      const adapter = new VkAdapter({ groupId: community.groupId, token: community.token, apiBaseUrl: vk.apiBaseUrl });
      const deps = { db: env.db, adapter: async () => adapter, enqueueMedia: env.queues.enqueueMedia };
      expect(await runVkImport(deps, { projectId: T.project.id, runId: run.id })).toBe("done");

      const rows = () =>
        env.owner
          .select({ externalId: messages.externalId, kind: messages.kind, attachmentKind: attachments.kind, state: attachments.state, storageKey: attachments.storageKey, durationSec: attachments.durationSec })
          .from(attachments)
          .innerJoin(messages, eq(messages.id, attachments.messageId))
          .where(eq(messages.channelId, channelId));
      await expect.poll(async () => (await rows()).filter((r) => r.state === "ready").length, { timeout: 30_000 }).toBe(expected.length);
      const stored = await rows();
      expect(new Set(stored.map((r) => r.externalId))).toEqual(new Set(expected.map((m) => String(m.id))));
      expect(new Set(stored.map((r) => r.attachmentKind))).toEqual(new Set(["photo", "document", "voice"]));
      for (const r of stored) {
        expect(r.kind).toBe(r.attachmentKind);
        // VK's own length of a voice message (audio_message.duration), as for a live one.
        expect(r.durationSec).toBe(r.attachmentKind === "voice" ? 3 : null);
        expect((await pipeline.storage.open(r.storageKey!))?.size).toBeGreaterThan(0);
      }
    } finally {
      await pipeline.close();
    }
  }, 60_000);

  it("comes through 5xx answers, errors 6 and 10 and dropped connections with the history exact", async () => {
    const community = seedVkCommunity(vk, { dialogs: 500, seed: 31, firstUserId: 900_000 });
    const channelId = await vkChannel(community, "vk-faults-secret");
    const run = await withTenant(env.db, T.project.id, (tx) => createImportRun(tx, { projectId: T.project.id, channelId, source: "vk_api" }));
    const adapter = new VkAdapter({ groupId: community.groupId, token: community.token, apiBaseUrl: vk.apiBaseUrl, timeoutMs: 2000 });
    const injected = vk.scheduleFaults({ every: 3, seed: 5 })!;
    try {
      expect(await runVkImport({ db: env.db, adapter: async () => adapter }, { projectId: T.project.id, runId: run.id })).toBe("done");
    } finally {
      vk.scheduleFaults(null);
    }
    expect(Object.values(injected).every((n) => n > 0)).toBe(true);
    const expected = [...communityMessages(community.community)].map(simulatedFingerprint);
    expect(historyMismatch(expected, await storedFingerprints(channelId))).toEqual({ missing: 0, duplicated: 0, extra: 0 });
    expect(await runRow(run.id)).toMatchObject({ state: "done", doneDialogs: 500, importedMessages: expected.length });
  }, 90_000);
});
