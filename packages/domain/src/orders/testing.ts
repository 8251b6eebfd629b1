// Helpers for the orders' pipeline tests. Not used by production code.
import { expect } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { conversations, messages } from "@threadline/db";
import type { TestEnv } from "@threadline/testing";

/** Until nothing is queued or running and no reply in this chat of the channel waits to be sent. */
export async function settleChat(env: TestEnv, channelId: string, chatId: number | string): Promise<void> {
  let quiet = 0;
  await expect
    .poll(
      async () => {
        const busy = await env.queues.busy();
        const [pending] = await env.owner.select({ n: sql<number>`count(*)::int` }).from(messages)
          .innerJoin(conversations, eq(conversations.id, messages.conversationId))
          .where(and(eq(messages.channelId, channelId), eq(conversations.externalChatId, String(chatId)), eq(messages.delivery, "pending")));
        quiet = busy === 0 && pending!.n === 0 ? quiet + 1 : 0;
        return quiet >= 3;
      },
      { timeout: 20_000, interval: 20 },
    )
    .toBe(true);
}
