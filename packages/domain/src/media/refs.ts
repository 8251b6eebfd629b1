// What each platform answered the first time a library file went out on a channel: the outbound
// send passes it instead of the bytes next time, and drops it when the platform no longer knows it.
import { and, eq, sql } from "drizzle-orm";
import { mediaChannelRefs, type Tx } from "@threadline/db";

type Key = { channelId: string; mediaId: string };

export async function cachedFileRef(tx: Tx, key: Key): Promise<string | undefined> {
  const [row] = await tx
    .select({ platformRef: mediaChannelRefs.platformRef })
    .from(mediaChannelRefs)
    .where(and(eq(mediaChannelRefs.channelId, key.channelId), eq(mediaChannelRefs.mediaId, key.mediaId)));
  return row?.platformRef;
}

export async function saveFileRef(tx: Tx, input: Key & { projectId: string; platformRef: string }): Promise<void> {
  await tx
    .insert(mediaChannelRefs)
    .values(input)
    .onConflictDoUpdate({ target: [mediaChannelRefs.channelId, mediaChannelRefs.mediaId], set: { platformRef: input.platformRef, createdAt: sql`now()` } });
}

export async function dropFileRef(tx: Tx, key: Key): Promise<void> {
  await tx.delete(mediaChannelRefs).where(and(eq(mediaChannelRefs.channelId, key.channelId), eq(mediaChannelRefs.mediaId, key.mediaId)));
}
