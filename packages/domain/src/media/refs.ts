// What each platform answered the first time a file went out on a channel: the outbound send
// passes it instead of the bytes next time, and drops it when the platform no longer knows it.
// A library file is known by its id (decision 055); a one-off upload by the SHA-256 of its bytes
// and how it goes, so the same file attached again on the channel is not uploaded twice (068).
import { and, eq, sql } from "drizzle-orm";
import { mediaChannelRefs, uploadChannelRefs, type Tx } from "@threadline/db";

export type FileRefKey = { channelId: string; mediaId: string } | { channelId: string; contentHash: string; kind: string };

function where(key: FileRefKey) {
  if ("mediaId" in key) return and(eq(mediaChannelRefs.channelId, key.channelId), eq(mediaChannelRefs.mediaId, key.mediaId));
  return and(eq(uploadChannelRefs.channelId, key.channelId), eq(uploadChannelRefs.contentHash, key.contentHash), eq(uploadChannelRefs.kind, key.kind));
}

export async function cachedFileRef(tx: Tx, key: FileRefKey): Promise<string | undefined> {
  const table = "mediaId" in key ? mediaChannelRefs : uploadChannelRefs;
  const [row] = await tx.select({ platformRef: table.platformRef }).from(table).where(where(key));
  return row?.platformRef;
}

export async function saveFileRef(tx: Tx, key: FileRefKey, input: { projectId: string; platformRef: string }): Promise<void> {
  const set = { platformRef: input.platformRef, createdAt: sql`now()` };
  if ("mediaId" in key) {
    await tx.insert(mediaChannelRefs).values({ ...key, ...input }).onConflictDoUpdate({ target: [mediaChannelRefs.channelId, mediaChannelRefs.mediaId], set });
  } else {
    await tx.insert(uploadChannelRefs).values({ ...key, ...input }).onConflictDoUpdate({ target: [uploadChannelRefs.channelId, uploadChannelRefs.contentHash, uploadChannelRefs.kind], set });
  }
}

export async function dropFileRef(tx: Tx, key: FileRefKey): Promise<void> {
  await tx.delete("mediaId" in key ? mediaChannelRefs : uploadChannelRefs).where(where(key));
}
