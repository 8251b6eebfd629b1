import type { Readable } from "node:stream";

/** Where attachment bytes live: local disk by default, an S3-compatible bucket by config (s3-storage.ts). */
export interface FileStorage {
  put(key: string, data: Uint8Array, contentType?: string): Promise<void>;
  /** The stored bytes as a stream, or null when nothing is stored under the key. */
  open(key: string): Promise<{ stream: Readable; size: number } | null>;
  /** Deletes what is stored under the key; nothing stored is not an error. */
  remove(key: string): Promise<void>;
}
