import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import express from "express";
import { eq } from "drizzle-orm";
import { importRuns, messages } from "@threadline/db";
import { createTenantEnv, listenLocally, type LocalServer, type TestEnv } from "@threadline/testing";
import { telegramImportHandler } from "./telegram-import.ts";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
let server: LocalServer;
const oneChat = fileURLToPath(new URL("../../../pipeline/src/import/testing/telegram/one-chat.json", import.meta.url));

beforeAll(async () => {
  ({ env, T } = await createTenantEnv("TgUpload"));
  const app = express();
  app.post("/imports/telegram", telegramImportHandler(env.deps, 64 * 1024));
  server = await listenLocally(app);
});
afterAll(async () => {
  server?.close();
  await env?.close();
});

const upload = (token: string | null, body: Uint8Array | string, channelId: string, projectId = T.project.id) =>
  fetch(`${server.url}/imports/telegram?projectId=${projectId}&channelId=${channelId}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { cookie: `tl_session=${token}` } : {}) },
    body,
  });

const stored = (channelId: string) => env.owner.select().from(messages).where(eq(messages.channelId, channelId));

describe("Telegram export upload", () => {
  it("the owner uploads a one-chat export: it is imported and the run is done", async () => {
    const channel = await env.createChannel(T.project.id, "telegram");
    const res = await upload(T.owner.token, await readFile(oneChat), channel.id);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { runId: string; importedChats: number; imported: number };
    expect(body).toMatchObject({ chats: 1, importedChats: 1, imported: 3 });
    expect(await stored(channel.id)).toHaveLength(3);
    const [run] = await env.owner.select().from(importRuns).where(eq(importRuns.id, body.runId));
    expect(run).toMatchObject({ state: "done", source: "telegram_export", importedMessages: 3 });
  });

  it("a foreign or broken file gets 400 with the reason and stores nothing", async () => {
    const full = await readFile(oneChat, "utf8");
    for (const [file, text] of [
      [JSON.stringify({ orders: [{ id: 1, total: 100 }] }), /не экспорт Telegram Desktop/],
      [full.slice(0, Math.floor(full.length * 0.6)), /оборван|повреждён/],
    ] as const) {
      const channel = await env.createChannel(T.project.id, "telegram");
      const res = await upload(T.owner.token, file, channel.id);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(text);
      expect(await stored(channel.id)).toHaveLength(0);
    }
  });

  it("refuses without a session, without the import right, a VK channel, a file over the cap, another project", async () => {
    const channel = await env.createChannel(T.project.id, "telegram");
    const file = await readFile(oneChat);
    expect((await upload(null, file, channel.id)).status).toBe(401);
    expect((await upload(T.finance.token, file, channel.id)).status).toBe(403);
    const vk = await env.createChannel(T.project.id, "vk");
    expect((await upload(T.owner.token, file, vk.id)).status).toBe(400);
    expect((await upload(T.owner.token, new Uint8Array(64 * 1024 + 1), channel.id)).status).toBe(413);
    const other = await env.createTenant("Чужой импорт");
    expect((await upload(T.owner.token, file, channel.id, other.project.id)).status).toBe(404);
    expect((await upload(T.owner.token, file, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect(await stored(channel.id)).toHaveLength(0);
  });
});
