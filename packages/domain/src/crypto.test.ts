import { describe, expect, it } from "vitest";
import { SecretDecryptError, decryptSecret, encryptSecret, sealedWithCurrentKey, secretKeyId } from "./crypto.ts";
import { sealV1 } from "@threadline/testing/secrets.ts";

const OLD = "old-secret-key-old-secret-key-old-0001";
const NEW = "new-secret-key-5f2a9c81d7e34b60a1c2d3e4";

describe("secrets at rest", () => {
  it("round-trips under the current key, naming the key in the ciphertext", () => {
    const sealed = encryptSecret("123456:bot-token", NEW);
    expect(sealed).toMatch(new RegExp(`^v2\\.${secretKeyId(NEW)}\\.[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    expect(sealed).not.toContain("bot-token");
    expect(decryptSecret(sealed, NEW)).toBe("123456:bot-token");
    expect(decryptSecret(encryptSecret("", NEW), NEW)).toBe("");
    expect(secretKeyId(NEW)).not.toBe(secretKeyId(OLD));
  });

  it("opens the old v1 format, with the current or a previous key", () => {
    expect(decryptSecret(sealV1("sk-openai", NEW), NEW)).toBe("sk-openai");
    expect(decryptSecret(sealV1("sk-openai", OLD), { current: NEW, previous: [OLD] })).toBe("sk-openai");
    expect(sealedWithCurrentKey(sealV1("x", NEW), NEW)).toBe(false);
  });

  it("opens what a previous key sealed after a rotation, and seals new values with the current key", () => {
    const keyring = { current: NEW, previous: ["unrelated-key-unrelated-key-unrelated", OLD] };
    const old = encryptSecret("vk-token", OLD);
    expect(decryptSecret(old, keyring)).toBe("vk-token");
    expect(sealedWithCurrentKey(old, keyring)).toBe(false);
    const fresh = encryptSecret("vk-token", keyring);
    expect(sealedWithCurrentKey(fresh, keyring)).toBe(true);
    expect(() => decryptSecret(fresh, OLD)).toThrow(SecretDecryptError);
  });

  it("fails clearly with a wrong key, a tampered value or an unknown format", () => {
    expect(() => decryptSecret(encryptSecret("t", OLD), NEW)).toThrow(/sealed with key [\w-]+, which is neither SECRET_KEY nor in SECRET_KEY_PREVIOUS/);
    expect(() => decryptSecret(sealV1("t", OLD), NEW)).toThrow(/v1 format\) opens with neither SECRET_KEY nor any key in SECRET_KEY_PREVIOUS/);
    const parts = encryptSecret("token", NEW).split(".");
    parts[4] = Buffer.from("tampered").toString("base64url");
    expect(() => decryptSecret(parts.join("."), NEW)).toThrow(/failed its integrity check/);
    // The key id is bound to the ciphertext: relabelling it does not pass.
    const relabelled = encryptSecret("token", NEW).replace(`v2.${secretKeyId(NEW)}.`, `v2.${secretKeyId(OLD)}.`);
    expect(() => decryptSecret(relabelled, { current: NEW, previous: [OLD] })).toThrow(/failed its integrity check/);
    expect(() => decryptSecret("plaintext-token", NEW)).toThrow(/not in a known format/);
  });
});
