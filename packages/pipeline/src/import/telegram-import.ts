import { eq, sql } from "drizzle-orm";
import { importRuns, withTenant, type Db } from "@threadline/db";
import { storeImportBatch, type ImportChannel, type ImportedMessage } from "./store.ts";
import { readTelegramExport, TelegramExportError, type TelegramExportChat, type TelegramExportMessage } from "./telegram-export.ts";

// Telegram history from a Telegram Desktop export. The file is read twice as a stream: first
// to check it whole (a broken or foreign file imports nothing), then to store it in batches,
// each batch with the run's counts in one transaction. Messages are keyed by chat and message
// id of the export, so uploading the same export again adds nothing.

const BATCH = 1000;
/** Personal chats are leads; groups and channels are not imported. */
const IMPORTED_TYPES = new Set(["personal_chat", "bot_chat"]);

export function exportMessageKey(chatId: string, messageId: number): string {
  return `tgx:${chatId}:${messageId}`;
}

function sentAt(m: TelegramExportMessage): Date {
  if (m.dateUnix) return new Date(m.dateUnix * 1000);
  const parsed = new Date(m.date);
  return Number.isNaN(parsed.getTime()) ? new Date(0) : parsed;
}

export interface TelegramImportResult {
  chats: number;
  importedChats: number;
  messages: number;
  imported: number;
}

/**
 * Imports an uploaded export into the channel's conversations under the given run. Throws
 * TelegramExportError (and marks the run failed with its message) when the file is unusable.
 */
export async function importTelegramExport(db: Db, input: { projectId: string; runId: string; channel: ImportChannel; filePath: string }): Promise<TelegramImportResult> {
  const { projectId, runId, channel } = input;
  const fail = (message: string) =>
    withTenant(db, projectId, (tx) => tx.update(importRuns).set({ state: "failed", lastError: message, finishedAt: new Date() }).where(eq(importRuns.id, runId)));
  let checked: { chats: number; messages: number };
  let personal = 0;
  try {
    checked = await readTelegramExport(input.filePath, {
      chat: (c) => void (IMPORTED_TYPES.has(c.type) && (personal += 1)),
      message: () => undefined,
    });
  } catch (error) {
    const message = error instanceof TelegramExportError ? error.message : `Не удалось прочитать файл: ${(error as Error).message}`;
    await fail(message);
    throw error instanceof TelegramExportError ? error : new TelegramExportError(message);
  }
  if (personal === 0) {
    const message = "В экспорте нет личных чатов: импортируются только личные переписки с клиентами";
    await fail(message);
    throw new TelegramExportError(message);
  }
  await withTenant(db, projectId, (tx) =>
    tx.update(importRuns).set({ state: "running", startedAt: sql`coalesce(${importRuns.startedAt}, now())`, totalDialogs: personal }).where(eq(importRuns.id, runId)),
  );

  let batch: ImportedMessage[] = [];
  let batchChats = new Map<string, TelegramExportChat>();
  let doneInBatch = 0;
  let imported = 0;
  let importedChats = 0;
  const flush = async () => {
    const chats = [...batchChats.values()];
    const messages = batch;
    const done = doneInBatch;
    batch = [];
    batchChats = new Map();
    doneInBatch = 0;
    const n = await withTenant(db, projectId, async (tx) => {
      const pages = chats.map((c) => ({ chatId: c.id, messages: messages.filter((m) => m.chatId === c.id) }));
      const { inserted: stored } = await storeImportBatch(tx, channel, { dialogs: chats.map((c) => ({ externalId: c.id, chatId: c.id, name: c.name })), pages });
      await tx
        .update(importRuns)
        .set({ importedMessages: sql`${importRuns.importedMessages} + ${stored}`, doneDialogs: sql`${importRuns.doneDialogs} + ${done}` })
        .where(eq(importRuns.id, runId));
      return stored;
    });
    imported += n;
  };

  let current: TelegramExportChat | null = null;
  await readTelegramExport(input.filePath, {
    chat: async (c) => {
      if (current && IMPORTED_TYPES.has(current.type)) doneInBatch += 1;
      current = c;
      if (IMPORTED_TYPES.has(c.type)) {
        importedChats += 1;
        batchChats.set(c.id, c);
      }
    },
    message: async (c, m) => {
      if (!IMPORTED_TYPES.has(c.type) || m.type !== "message") return;
      const inbound = m.fromId === `user${c.id}`;
      batchChats.set(c.id, c);
      batch.push({
        chatId: c.id,
        externalId: exportMessageKey(c.id, m.id),
        direction: inbound ? "in" : "out",
        text: m.text,
        sentAt: sentAt(m),
        attachments: m.media ? [{ kind: m.media }] : [],
        readByClient: true,
      });
      if (batch.length >= BATCH) await flush();
    },
  });
  if (current && IMPORTED_TYPES.has((current as TelegramExportChat).type)) doneInBatch += 1;
  await flush();
  await withTenant(db, projectId, (tx) => tx.update(importRuns).set({ state: "done", finishedAt: new Date(), lastError: null }).where(eq(importRuns.id, runId)));
  return { chats: checked.chats, importedChats, messages: checked.messages, imported };
}
