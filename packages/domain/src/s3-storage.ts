import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import type { FileStorage } from "./file-storage.ts";

export type S3StorageConfig = {
  bucket: string;
  region: string;
  /** An S3-compatible service (MinIO, Yandex Object Storage, Selectel…); AWS itself when unset. */
  endpoint?: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Most S3-compatible services address buckets by path, not by subdomain. */
  forcePathStyle: boolean;
  /** Keys are stored under this prefix, so one bucket can serve several installations. */
  prefix?: string;
};

/** Attachments in an S3-compatible bucket: the same keys as on local disk, under an optional prefix. */
export class S3Storage implements FileStorage {
  private readonly client: S3Client;

  constructor(private readonly config: S3StorageConfig) {
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // Many S3-compatible services reject the SDK's default CRC checksums; S3 itself needs none here.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  private keyOf(key: string): string {
    if (key.split("/").some((part) => part === ".." || part === "")) throw new Error(`storage key outside the root: ${key}`);
    return this.config.prefix ? `${this.config.prefix.replace(/\/+$/, "")}/${key}` : key;
  }

  async put(key: string, data: Uint8Array, contentType?: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.config.bucket, Key: this.keyOf(key), Body: data, ContentLength: data.byteLength, ContentType: contentType }));
  }

  async open(key: string) {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: this.keyOf(key) }));
      return { stream: object.Body as Readable, size: object.ContentLength ?? 0 };
    } catch (err) {
      // Only a missing object is "nothing stored"; a missing bucket or a refused key is a fault.
      if (err instanceof NoSuchKey || (err instanceof S3ServiceException && err.name === "NoSuchKey")) return null;
      throw err;
    }
  }

  /** S3 answers a delete of a missing key with success, as the interface wants. */
  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.keyOf(key) }));
  }

  close() {
    this.client.destroy();
  }
}
