import { sql } from "drizzle-orm";
import type { Tx } from "@threadline/db";

/** One conversation's lead work at a time: the turn, the timeout and a manual stage change wait for each other. */
export async function lockConversation(tx: Tx, conversationId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`lead:${conversationId}`}, 0))`);
}
