// What makes SECRET_KEY acceptable in production: it seals channel tokens and provider keys at
// rest and signs nothing else, so a guessable key exposes every tenant's credentials.
export const DEFAULT_SECRET_KEY = "threadline-local-development-secret-key-0001";

const MIN_LENGTH = 32;
const MIN_DISTINCT_CHARACTERS = 10;

/** Why `key` is not good enough to protect production secrets, or null when it is. */
export function weakSecretKey(key: string): string | null {
  if (key === DEFAULT_SECRET_KEY) return "is the public development default";
  if (key.length < MIN_LENGTH) return `has ${key.length} characters; it needs ${MIN_LENGTH} or more`;
  if (/^(.+?)\1+$/s.test(key)) return "is a repeated pattern";
  if (new Set(key).size < MIN_DISTINCT_CHARACTERS) return `uses fewer than ${MIN_DISTINCT_CHARACTERS} different characters`;
  return null;
}

/** SECRET_KEY_PREVIOUS: comma-separated keys that still decrypt what older keys sealed. */
export function previousSecretKeys(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
}

export const GENERATE_SECRET_HINT = "generate one with `openssl rand -base64 48`";

export type SecretKeys = { current: string; previous: string[] };

/**
 * The keys that seal secrets at rest: SECRET_KEY (its development default outside production) and
 * SECRET_KEY_PREVIOUS (not checked: it may well be the weak key being rotated away). Pushes onto
 * `problems` why production must not start with them.
 */
export function resolveSecretKeys(secretKey: string | undefined, previous: string | undefined, production: boolean, problems: string[]): SecretKeys {
  const current = secretKey ?? (production ? "" : DEFAULT_SECRET_KEY);
  if (!current) problems.push(`SECRET_KEY is not set: set it to 32+ random characters (${GENERATE_SECRET_HINT}).`);
  else {
    const weak = production ? weakSecretKey(current) : null;
    if (weak) problems.push(`SECRET_KEY ${weak}: set it to 32+ random characters (${GENERATE_SECRET_HINT}); keep the old key in SECRET_KEY_PREVIOUS until the stored secrets are re-encrypted (\`npx tsx packages/core/src/secrets/rotate-cli.ts\`).`);
  }
  return { current, previous: previousSecretKeys(previous).filter((k) => k !== current) };
}
