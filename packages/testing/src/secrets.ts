import { createCipheriv, createHash, randomBytes } from "node:crypto";

/** A secret as the first format sealed it: AES-256-GCM under a bare SHA-256 of SECRET_KEY. */
export function sealV1(plain: string, secretKey: string): string {
  const key = createHash("sha256").update(`threadline:secrets:${secretKey}`).digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), data].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}
