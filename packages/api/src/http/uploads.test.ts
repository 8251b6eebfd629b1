import { afterAll, beforeAll, describe, expect, it } from "vitest";
import express from "express";
import { eq } from "drizzle-orm";
import { attachments, messages, uploads, withTenant } from "@threadline/db";
import { claimUpload, sweepUploads, UPLOAD_KEPT_MS } from "@threadline/domain/conversations/uploads.ts";
import { solidPng } from "@threadline/simulators/channels";
import { createTenantEnv, listenLocally, type LocalServer, type TestEnv } from "@threadline/testing";
import { MAX_UPLOAD_BYTES, uploadsHandler } from "./uploads.ts";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
let server: LocalServer;

beforeAll(async () => {
  ({ env, T } = await createTenantEnv("Files"));
  const app = express();
  app.post("/uploads", ...uploadsHandler(env.deps, env.deps.storage));
  server = await listenLocally(app);
});
afterAll(async () => {
  server?.close();
  await env?.close();
});

const upload = (token: string | null, body: Uint8Array, mime: string, name = "чек.png", projectId = T.project.id) =>
  fetch(`${server.url}/uploads?projectId=${projectId}`, {
    method: "POST",
    headers: { "content-type": mime, "x-file-name": encodeURIComponent(name), ...(token ? { cookie: `tl_session=${token}` } : {}) },
    body,
  });

describe("uploads for replies", () => {
  it("a manager uploads a photo and replies with it; the reply is queued as a photo", async () => {
    const res = await upload(T.manager.token, solidPng(8, 8, [200, 30, 30]), "image/png");
    expect(res.status).toBe(200);
    const file = (await res.json()) as { storageKey: string; fileName: string; mime: string; kind: string };
    expect(file).toMatchObject({ fileName: "чек.png", mime: "image/png", kind: "photo" });
    const { messageId } = await env.caller(T.manager.token).conversations.reply({ projectId: T.project.id, conversationId: T.conversationId, text: "Вот ваш чек", file });
    const [row] = await env.owner.select().from(messages).where(eq(messages.id, messageId));
    expect(row).toMatchObject({ kind: "photo", text: "Вот ваш чек", delivery: "pending" });
    const [att] = await env.owner.select().from(attachments).where(eq(attachments.messageId, messageId));
    expect(att).toMatchObject({ kind: "photo", fileName: "чек.png", state: "ready", storageKey: file.storageKey });
  });

  it("refuses without a session, without the reply right, an oversized or empty file", async () => {
    expect((await upload(null, Buffer.from("x"), "text/plain")).status).toBe(401);
    expect((await upload(T.finance.token, Buffer.from("x"), "text/plain")).status).toBe(403);
    expect((await upload(T.manager.token, new Uint8Array(0), "text/plain")).status).toBe(400);
    expect((await upload(T.manager.token, new Uint8Array(MAX_UPLOAD_BYTES + 1), "application/pdf")).status).toBe(413);
    const other = await env.createTenant("Чужие файлы");
    expect((await upload(T.manager.token, Buffer.from("x"), "text/plain", "a.txt", other.project.id)).status).toBe(404);
  });

  it("a reply cannot attach another project's upload or a made-up key, and stores nothing", async () => {
    const other = await env.createTenant("Чужие файлы 2");
    const res = await upload(other.owner.token, Buffer.from("секрет"), "text/plain", "secret.txt", other.project.id);
    const foreign = (await res.json()) as { storageKey: string };
    const before = (await env.owner.select().from(messages).where(eq(messages.conversationId, T.conversationId))).length;
    for (const storageKey of [foreign.storageKey, `${T.project.id}/uploads/00000000-0000-4000-8000-000000000000`, "../../etc/passwd"]) {
      await expect(
        env.caller(T.manager.token).conversations.reply({ projectId: T.project.id, conversationId: T.conversationId, text: "", file: { storageKey, fileName: "x.txt", mime: "text/plain" } }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    expect((await env.owner.select().from(messages).where(eq(messages.conversationId, T.conversationId))).length).toBe(before);
  });
});

describe("uploads no reply took", () => {
  const uploaded = async (name: string) => {
    const res = await upload(T.manager.token, Buffer.from(`файл ${name}`), "application/pdf", name);
    return (await res.json()) as { storageKey: string; fileName: string; mime: string };
  };
  const stored = async (key: string) => {
    const file = await env.deps.storage.open(key);
    file?.stream.destroy();
    return !!file;
  };
  const waiting = async (key: string) => (await env.owner.select().from(uploads).where(eq(uploads.storageKey, key))).length === 1;
  const reply = (file: { storageKey: string; fileName: string; mime: string }) =>
    env.caller(T.manager.token).conversations.reply({ projectId: T.project.id, conversationId: T.conversationId, text: "", file });
  const tomorrow = () => new Date(Date.now() + UPLOAD_KEPT_MS + 60_000);

  it("are removed with their bytes after a day; sent ones and recent ones stay", async () => {
    const sent = await uploaded("отправленный.pdf");
    const dropped = await uploaded("брошенный.pdf");
    await reply(sent);
    expect(await waiting(sent.storageKey)).toBe(false);
    expect(await waiting(dropped.storageKey)).toBe(true);

    expect(await sweepUploads(env.db, env.deps.storage)).toBe(0);
    expect(await stored(dropped.storageKey)).toBe(true);

    // One at a time: the sweep goes on until no old upload is left.
    expect(await sweepUploads(env.db, env.deps.storage, { now: tomorrow(), batch: 1 })).toBeGreaterThanOrEqual(1);
    expect(await stored(dropped.storageKey)).toBe(false);
    expect(await waiting(dropped.storageKey)).toBe(false);
    expect(await stored(sent.storageKey)).toBe(true);
    // Sending a removed upload says so and stores nothing.
    await expect(reply(dropped)).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("загрузите его ещё раз") });
  });

  it("a reply taking an old upload while the sweeper runs keeps it; a failed reply gives it back", async () => {
    const file = await uploaded("в последний момент.pdf");
    // A reply holds the upload (its transaction is open) while the sweeper passes by.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let taken!: () => void;
    const claimed = new Promise<void>((r) => (taken = r));
    const replying = withTenant(env.db, T.project.id, async (tx) => {
      expect(await claimUpload(tx, file.storageKey)).toBe(true);
      taken();
      await held;
    });
    await claimed;
    const sweeping = sweepUploads(env.db, env.deps.storage, { now: tomorrow() });
    await new Promise((r) => setTimeout(r, 200));
    release();
    await replying;
    await sweeping;
    expect(await stored(file.storageKey)).toBe(true);
    expect(await waiting(file.storageKey)).toBe(false);

    // A reply that fails (the text is too long) leaves the upload waiting, as it was.
    const again = await uploaded("ещё раз.pdf");
    await expect(env.caller(T.manager.token).conversations.reply({ projectId: T.project.id, conversationId: T.conversationId, text: "я".repeat(5000), file: again })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await waiting(again.storageKey)).toBe(true);
  });
});
