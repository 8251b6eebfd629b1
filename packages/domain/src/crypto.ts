import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

// Channel tokens and provider keys at rest: AES-256-GCM under a key derived from SECRET_KEY with
// HKDF. Format: v2.<kid>.<iv>.<tag>.<ciphertext>, base64url parts; <kid> names the SECRET_KEY that
// sealed it (derived from the key, so it needs no bookkeeping) and is bound to the ciphertext as
// associated data. After a rotation SECRET_KEY_PREVIOUS still opens what older keys sealed, and
// resealSecrets (secrets/rotate.ts) rewrites it under the current key.
// v1.<iv>.<tag>.<ciphertext> (the key a bare SHA-256 of SECRET_KEY, no kid) still decrypts.

/** SECRET_KEY alone, or with the previous keys that still decrypt (SECRET_KEY_PREVIOUS). */
export type SecretKeyring = string | { readonly current: string; readonly previous: readonly string[] };

/** The keyring of a process's settings (loadEnv). */
export function secretKeyringOf(env: { SECRET_KEY: string; SECRET_KEY_PREVIOUS: readonly string[] }): SecretKeyring {
  return { current: env.SECRET_KEY, previous: env.SECRET_KEY_PREVIOUS };
}

export class SecretDecryptError extends Error {
  override name = "SecretDecryptError";
}

type Derived = { kid: string; key: Buffer; legacyKey: Buffer };
const derivedCache = new Map<string, Derived>();

function derive(secretKey: string): Derived {
  let derived = derivedCache.get(secretKey);
  if (!derived) {
    const hkdf = (info: string, length: number) => Buffer.from(hkdfSync("sha256", secretKey, "threadline:secrets", info, length));
    derived = {
      kid: hkdf("threadline:secrets:kid", 6).toString("base64url"),
      key: hkdf("threadline:secrets:aes-256-gcm:v2", 32),
      legacyKey: createHash("sha256").update(`threadline:secrets:${secretKey}`).digest(),
    };
    derivedCache.set(secretKey, derived);
  }
  return derived;
}

function keysOf(keyring: SecretKeyring): { current: string; all: string[] } {
  if (typeof keyring === "string") return { current: keyring, all: [keyring] };
  return { current: keyring.current, all: [keyring.current, ...keyring.previous] };
}

/** The id of the key that seals new secrets, as written into each ciphertext. */
export function secretKeyId(keyring: SecretKeyring): string {
  return derive(keysOf(keyring).current).kid;
}

export function encryptSecret(plain: string, keyring: SecretKeyring): string {
  const { kid, key } = derive(keysOf(keyring).current);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(`v2.${kid}`));
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v2", kid, ...[iv, cipher.getAuthTag(), data].map((p) => p.toString("base64url"))].join(".");
}

/** True when `sealed` was sealed by the current key in the current format: nothing to rotate. */
export function sealedWithCurrentKey(sealed: string, keyring: SecretKeyring): boolean {
  return sealed.startsWith(`v2.${secretKeyId(keyring)}.`);
}

export function decryptSecret(sealed: string, keyring: SecretKeyring): string {
  const parts = sealed.split(".");
  const { all } = keysOf(keyring);
  if (parts[0] === "v2" && parts.length === 5) {
    const [, kid, iv, tag, data] = parts as [string, string, string, string, string];
    const secretKey = all.find((k) => derive(k).kid === kid);
    if (!secretKey) {
      throw new SecretDecryptError(`A stored secret was sealed with key ${kid}, which is neither SECRET_KEY nor in SECRET_KEY_PREVIOUS: add the key it was sealed with to SECRET_KEY_PREVIOUS.`);
    }
    const opened = open(derive(secretKey).key, iv, tag, data, Buffer.from(`v2.${kid}`));
    if (opened === null) throw new SecretDecryptError(`A stored secret sealed with key ${kid} failed its integrity check: it was altered or truncated.`);
    return opened;
  }
  if (parts[0] === "v1" && parts.length === 4) {
    const [, iv, tag, data] = parts as [string, string, string, string];
    for (const k of all) {
      const opened = open(derive(k).legacyKey, iv, tag, data);
      if (opened !== null) return opened;
    }
    throw new SecretDecryptError("A stored secret (v1 format) opens with neither SECRET_KEY nor any key in SECRET_KEY_PREVIOUS: add the key it was sealed with to SECRET_KEY_PREVIOUS.");
  }
  throw new SecretDecryptError("A stored secret is not in a known format (v1 or v2).");
}

/** The plaintext, or null when the key is wrong or the ciphertext was altered (GCM tag mismatch). */
function open(key: Buffer, iv: string, tag: string, data: string, aad?: Buffer): string | null {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: 16 });
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
