import { eq, sql } from "drizzle-orm";
import { uploads, withTenant, type Db, type Tx } from "@threadline/db";
import type { FileStorage } from "../storage.ts";

// Files stored for a reply (uploaded, recorded, voiced) wait in `uploads` until a reply takes
// them. One a manager dropped is removed, bytes and all, once it has waited this long.
export const UPLOAD_KEPT_MS = 24 * 3600_000;

export type UploadKind = "photo" | "document" | "voice";

/** Photos go as photos (the platforms recompress them), OGG/Opus as voice, the rest as files. */
export function uploadKind(mime: string): UploadKind {
  if (/^image\/(jpeg|png|webp)$/.test(mime)) return "photo";
  if (/^audio\/ogg/.test(mime)) return "voice";
  return "document";
}

/** Where a project's uploads live: a reply may only attach keys under its own project. */
export const uploadPrefix = (projectId: string) => `${projectId}/uploads/`;

/** A key /uploads could have made for this project: its prefix and one plain name, nothing that climbs out. */
export const isUploadKey = (projectId: string, key: string) => key.startsWith(uploadPrefix(projectId)) && /^[\w-]+$/.test(key.slice(uploadPrefix(projectId).length));

/** Notes a file stored under the project's upload prefix as waiting for a reply. */
export async function recordUpload(tx: Tx, projectId: string, storageKey: string): Promise<void> {
  await tx.insert(uploads).values({ projectId, storageKey });
}

/**
 * Takes a waiting upload for a reply (or for removal). False when there is none: never uploaded
 * in this project, already sent, or already swept. Whoever takes it holds its row until commit,
 * so a reply and the sweeper never both get the same file.
 */
export async function claimUpload(tx: Tx, storageKey: string): Promise<boolean> {
  const taken = await tx.delete(uploads).where(eq(uploads.storageKey, storageKey)).returning({ storageKey: uploads.storageKey });
  return taken.length > 0;
}

/**
 * Removes uploads no reply took within UPLOAD_KEPT_MS (discarded files, voicings never sent, the
 * WebM side of recordings), oldest first, `batch` at a time until none is left. Returns how many
 * were removed.
 */
export async function sweepUploads(db: Db, storage: FileStorage, options: { now?: Date; batch?: number } = {}): Promise<number> {
  const before = new Date((options.now ?? new Date()).getTime() - UPLOAD_KEPT_MS);
  const batch = options.batch ?? 500;
  let removed = 0;
  for (;;) {
    const stale = (await db.execute(sql`select project_id, storage_key from stale_uploads(${before.toISOString()}::timestamptz, ${batch})`)) as unknown as {
      project_id: string;
      storage_key: string;
    }[];
    for (const upload of stale) {
      // The row goes first: a reply that takes the file meanwhile keeps it.
      if (!(await withTenant(db, upload.project_id, (tx) => claimUpload(tx, upload.storage_key)))) continue;
      await storage.remove(upload.storage_key);
      removed++;
    }
    // Every row read is gone now (removed here or taken by a reply), so a full batch means more.
    if (stale.length < batch) return removed;
  }
}
