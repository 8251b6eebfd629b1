import { and, eq, sql } from "drizzle-orm";
import { channels, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { notFound } from "../errors.ts";

// Menu bot mode is a channel's setting (`channels.settings.menuBot`): in that channel /start and
// «Меню» open the button menu; free text still goes to the agent or a manager.

export function menuBotOn(settings: Record<string, unknown>): boolean {
  return settings.menuBot === true;
}

export async function listMenuChannels(tx: Tx, member: Member) {
  assertCan(member, "catalog.manage");
  const rows = await tx.select({ id: channels.id, kind: channels.kind, name: channels.name, settings: channels.settings }).from(channels).orderBy(channels.createdAt);
  return rows.map((r) => ({ id: r.id, kind: r.kind, name: r.name, menuBot: menuBotOn(r.settings) }));
}

export async function setMenuBot(tx: Tx, member: Member, channelId: string, enabled: boolean): Promise<void> {
  assertCan(member, "catalog.manage");
  const rows = await tx
    .update(channels)
    .set({ settings: sql`jsonb_set(${channels.settings}, '{menuBot}', ${JSON.stringify(enabled)}::jsonb)` })
    .where(and(eq(channels.id, channelId)))
    .returning({ id: channels.id });
  if (!rows.length) throw notFound("channel");
}
