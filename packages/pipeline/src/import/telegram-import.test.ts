import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { contacts, importRuns, messages, withTenant } from "@threadline/db";
import { createTestEnv, type TestEnv } from "@threadline/testing";
import { createImportRun } from "./runs.ts";
import { importTelegramExport } from "./telegram-import.ts";
import { TelegramExportError } from "./telegram-export.ts";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
const sample = (name: string) => fileURLToPath(new URL(`./testing/telegram/${name}`, import.meta.url));

beforeAll(async () => {
  env = await createTestEnv();
  T = await env.createTenant("TgImport");
});
afterAll(async () => {
  await env?.close();
});

async function importFile(channel: { id: string; projectId: string; kind: "telegram" | "vk" }, filePath: string) {
  const run = await withTenant(env.db, T.project.id, (tx) => createImportRun(tx, { projectId: T.project.id, channelId: channel.id, source: "telegram_export" }));
  const result = await importTelegramExport(env.db, { projectId: T.project.id, runId: run.id, channel, filePath }).catch((e: unknown) => e);
  const [row] = await env.owner.select().from(importRuns).where(eq(importRuns.id, run.id));
  return { result, run: row! };
}

const stored = (channelId: string) => env.owner.select().from(messages).where(eq(messages.channelId, channelId));

describe("Telegram Desktop export", () => {
  it("imports a one-chat export: client and business messages, service messages left out", async () => {
    const channel = await env.createChannel(T.project.id, "telegram");
    const { result, run } = await importFile(channel, sample("one-chat.json"));
    expect(result).toMatchObject({ chats: 1, importedChats: 1, imported: 3 });
    expect(run).toMatchObject({ state: "done", totalDialogs: 1, doneDialogs: 1, importedMessages: 3 });
    const rows = (await stored(channel.id)).sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
    expect(rows.map((r) => [r.direction, r.text, r.kind])).toEqual([
      ["in", "Здравствуйте! Есть букеты к 8 марта?", "text"],
      ["out", "Да, от 1500 ₽", "text"],
      ["in", "", "photo"],
    ]);
    expect(rows.every((r) => r.imported)).toBe(true);
    const [contact] = await env.owner.select().from(contacts).where(eq(contacts.channelId, channel.id));
    expect(contact).toMatchObject({ externalId: "4242001", name: "Анна Петрова" });
    // Imported history is not unread.
    const list = await env.caller(T.manager.token).conversations.list({ projectId: T.project.id, filter: "unread", limit: 50 });
    expect(list.items.some((c) => c.id === rows[0]!.conversationId)).toBe(false);
  });

  it("imports the personal chats of a full export and is idempotent on re-upload", async () => {
    const channel = await env.createChannel(T.project.id, "telegram");
    const first = await importFile(channel, sample("full-export.json"));
    expect(first.result).toMatchObject({ chats: 3, importedChats: 2, imported: 4 });
    const again = await importFile(channel, sample("full-export.json"));
    expect(again.result).toMatchObject({ imported: 0 });
    expect(again.run.state).toBe("done");
    const rows = await stored(channel.id);
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.kind === "voice")?.direction).toBe("in");
    const people = await env.owner.select().from(contacts).where(eq(contacts.channelId, channel.id));
    expect(people.map((p) => p.externalId).sort()).toEqual(["5001", "5002"]);
  });

  it("a cut-short or foreign file gets a clear error and imports nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tg-export-"));
    const cut = join(dir, "cut.json");
    const full = await import("node:fs/promises").then((fs) => fs.readFile(sample("full-export.json"), "utf8"));
    await writeFile(cut, full.slice(0, Math.floor(full.length * 0.7)));
    const foreign = join(dir, "foreign.json");
    await writeFile(foreign, JSON.stringify({ orders: [{ id: 1, total: 100 }] }));
    const notJson = join(dir, "photo.jpg");
    await writeFile(notJson, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    for (const [file, text] of [[cut, /оборван|повреждён/], [foreign, /не экспорт Telegram Desktop/], [notJson, /повреждён|не JSON/]] as const) {
      const channel = await env.createChannel(T.project.id, "telegram");
      const { result, run } = await importFile(channel, file);
      expect(result).toBeInstanceOf(TelegramExportError);
      expect((result as Error).message).toMatch(text);
      expect(run.state).toBe("failed");
      expect(run.lastError).toMatch(text);
      expect(await stored(channel.id)).toHaveLength(0);
    }
  });
});
