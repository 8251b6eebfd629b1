import { createHash, timingSafeEqual } from "node:crypto";

/** Compares webhook secrets in constant time; hashing first makes the lengths equal. */
export function secretsMatch(received: string, expected: string): boolean {
  const a = createHash("sha256").update(received).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
