import { createReadStream, type ReadStream } from "node:fs";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";

/** Where attachment bytes live. Local disk by default; an S3-compatible store fits the same shape. */
export interface FileStorage {
  put(key: string, data: Uint8Array): Promise<void>;
  open(key: string): Promise<{ stream: ReadStream; size: number } | null>;
}

export class LocalDiskStorage implements FileStorage {
  private readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  private pathOf(key: string): string {
    const p = resolve(this.root, key);
    // Keys are ours (project/attachment ids), but a path must never leave the storage root.
    if (!p.startsWith(this.root + sep)) throw new Error(`storage key outside the root: ${key}`);
    return p;
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const p = this.pathOf(key);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, data);
  }

  async open(key: string) {
    const p = this.pathOf(key);
    try {
      const s = await stat(p);
      return { stream: createReadStream(p), size: s.size };
    } catch {
      return null;
    }
  }
}
