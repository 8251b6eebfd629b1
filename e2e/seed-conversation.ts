import type { MessageEvent } from "@threadline/channels";
import { channels, withTenant, type Db } from "@threadline/db";
import { findDemoProjects, ingestEvent, type ChannelRef } from "@threadline/domain";

/**
 * A client's first message in a demo project (or several, each with its time in `history`), stored the way ingest stores it, on a Telegram
 * channel of its own (a stored token that sends nowhere): for specs that need a conversation in the
 * list and do not follow a reply to the platform.
 */
export async function seedConversation(db: Db, projectName: string, client: { name: string; text: string; history?: { text: string; sentAt: Date }[] }): Promise<void> {
  const [project] = (await findDemoProjects(db)).filter((p) => p.name === projectName);
  const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const [row] = await withTenant(db, project!.id, (tx) =>
    tx.insert(channels).values({ projectId: project!.id, kind: "telegram", name: `Бот ${stamp}`, externalId: `seed-${stamp}`, tokenEnc: "sealed", webhookSecret: "secret" }).returning(),
  );
  const channel: ChannelRef = { id: row!.id, projectId: project!.id, kind: "telegram" };
  const chatId = String(7_000_000 + Math.floor(Math.random() * 999_999));
  const messages = client.history ?? [{ text: client.text, sentAt: new Date() }];
  for (const [i, m] of messages.entries()) {
    const at = m.sentAt.toISOString();
    const event: MessageEvent = {
      type: "message",
      channel: "telegram",
      dedupeId: `message:${chatId}:${i + 1}`,
      chatId,
      client: { externalUserId: chatId, name: client.name },
      occurredAt: at,
      externalMessageId: String(i + 1),
      direction: "inbound",
      text: m.text,
      attachments: [],
      sentAt: at,
    };
    await ingestEvent(db, channel, event);
  }
}
