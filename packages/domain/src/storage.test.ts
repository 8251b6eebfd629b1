import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadEnv } from "@threadline/config";
import { S3Storage } from "./s3-storage.ts";
import { LocalDiskStorage, storageFromEnv, type FileStorage } from "./storage.ts";
import { S3Simulator } from "@threadline/testing/s3";

// Attachments live on local disk or in an S3-compatible bucket: both keep the same promises.
// The bucket here is a local server speaking the S3 REST API and checking SigV4 signatures.

const s3 = new S3Simulator();
const opened: S3Storage[] = [];

function bucket(overrides: Partial<ConstructorParameters<typeof S3Storage>[0]> = {}) {
  const storage = new S3Storage({ bucket: "threadline", region: s3.region, endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true, ...overrides });
  opened.push(storage);
  return storage;
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  await s3.start();
  s3.createBucket("threadline");
});
afterAll(async () => {
  for (const storage of opened) storage.close();
  await s3.stop();
});

const kinds: [string, () => Promise<FileStorage>][] = [
  ["local disk", async () => new LocalDiskStorage(await mkdtemp(join(tmpdir(), "tl-disk-")))],
  ["S3-compatible bucket", async () => bucket()],
  ["S3-compatible bucket under a prefix", async () => bucket({ prefix: "install-1/" })],
];

describe.each(kinds)("file storage on %s", (_name, make) => {
  it("gives back the stored bytes and their size, and null for a key never stored", async () => {
    const storage = await make();
    const data = Buffer.from("%PDF-1.7 счёт №42 на 1 500 ₽");
    await storage.put("p1/att/счёт.pdf", data, "application/pdf");
    const file = await storage.open("p1/att/счёт.pdf");
    expect(file?.size).toBe(data.byteLength);
    expect(await bytesOf(file!.stream)).toEqual(data);
    expect(await storage.open("p1/att/missing.pdf")).toBeNull();
  });

  it("replaces what a key held, and refuses keys that climb out of the storage", async () => {
    const storage = await make();
    await storage.put("p1/voice.ogg", Buffer.from("first"));
    await storage.put("p1/voice.ogg", Buffer.from("second take"));
    expect((await bytesOf((await storage.open("p1/voice.ogg"))!.stream)).toString()).toBe("second take");
    await expect(storage.put("../outside", Buffer.from("x"))).rejects.toThrow(/outside the root/);
  });

  it("removes what a key holds, leaves other keys alone, and removing nothing is no error", async () => {
    const storage = await make();
    await storage.put("p1/uploads/a", Buffer.from("a"));
    await storage.put("p1/uploads/b", Buffer.from("b"));
    await storage.remove("p1/uploads/a");
    expect(await storage.open("p1/uploads/a")).toBeNull();
    expect((await bytesOf((await storage.open("p1/uploads/b"))!.stream)).toString()).toBe("b");
    await expect(storage.remove("p1/uploads/never-stored")).resolves.toBeUndefined();
    await expect(storage.remove("../outside")).rejects.toThrow(/outside the root/);
  });
});

describe("S3-compatible bucket", () => {
  it("a wrong secret is refused by the service and stores nothing", async () => {
    await expect(bucket({ secretAccessKey: "not-the-secret" }).put("p1/forged.txt", Buffer.from("x"))).rejects.toThrow(/signature/i);
    expect(await bucket().open("p1/forged.txt")).toBeNull();
    expect(s3.keys("threadline")).not.toContain("p1/forged.txt");
  });

  it("an unknown bucket is an error, not an empty answer", async () => {
    await expect(bucket({ bucket: "no-such-bucket" }).open("p1/a.txt")).rejects.toThrow(/bucket does not exist/);
  });

  it("keys under a prefix do not see keys outside it", async () => {
    await bucket().put("p2/a.txt", Buffer.from("root"));
    expect(await bucket({ prefix: "install-2" }).open("p2/a.txt")).toBeNull();
  });
});

describe("storage from the environment", () => {
  it("is the bucket when S3_BUCKET is set, local disk otherwise, and names what is missing", () => {
    expect(storageFromEnv(loadEnv({ NODE_ENV: "test", STORAGE_DIR: "/tmp/tl" }))).toBeInstanceOf(LocalDiskStorage);
    const fromEnv = storageFromEnv(loadEnv({ NODE_ENV: "test", S3_BUCKET: "threadline", S3_ENDPOINT: "http://127.0.0.1:9000", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" }));
    expect(fromEnv).toBeInstanceOf(S3Storage);
    opened.push(fromEnv as S3Storage);
    expect(() => loadEnv({ NODE_ENV: "test", S3_BUCKET: "threadline" })).toThrow(ConfigError);
    expect(() => loadEnv({ NODE_ENV: "test", S3_BUCKET: "threadline" })).toThrow(/S3_ACCESS_KEY_ID/);
  });
});
