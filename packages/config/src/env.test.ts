import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_APP_DATABASE_PASSWORD, DEFAULT_SECRET_KEY, loadEnv, loadOwnerEnv, loadSecretKeys, weakSecretKey } from "./index.ts";

const STRONG_KEY = "q8Zr3v-N1xWd0pLk7JtYc2Hs5Fb9Gm4Ae6Ui";
const APP_URL = "postgres://threadline_app:s3cret-app-password@db.internal:5432/threadline";
const production = { NODE_ENV: "production", SECRET_KEY: STRONG_KEY, APP_DATABASE_URL: APP_URL };

function refusal(source: Record<string, string | undefined>): string {
  try {
    loadEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("loadEnv accepted the environment");
}

describe("loadEnv in production", () => {
  it("is the mode when NODE_ENV is unset, and says so when it refuses", () => {
    expect(loadEnv({ SECRET_KEY: STRONG_KEY, APP_DATABASE_URL: APP_URL }).NODE_ENV).toBe("production");
    expect(refusal({})).toMatch(/NODE_ENV is unset, so production is assumed/);
  });

  it("starts with a strong key and the app role's own URL", () => {
    const env = loadEnv(production);
    expect(env.APP_DATABASE_URL).toBe(APP_URL);
    expect(env.SECRET_KEY).toBe(STRONG_KEY);
    expect(env.warnings).toEqual([]);
    expect(env).not.toHaveProperty("DATABASE_URL");
  });

  it("refuses to start without SECRET_KEY", () => {
    expect(refusal({ ...production, SECRET_KEY: undefined })).toMatch(/SECRET_KEY is not set: set it to 32\+ random characters/);
  });

  it("refuses the public default SECRET_KEY", () => {
    expect(refusal({ ...production, SECRET_KEY: DEFAULT_SECRET_KEY })).toMatch(/SECRET_KEY is the public development default: set it/);
  });

  it("refuses a short or repeated SECRET_KEY", () => {
    expect(refusal({ ...production, SECRET_KEY: "ab".repeat(20) })).toMatch(/SECRET_KEY is a repeated pattern/);
    expect(refusal({ ...production, SECRET_KEY: "aaaabbbbccccddddaaaabbbbccccddddx" })).toMatch(/SECRET_KEY uses fewer than 10 different characters/);
    expect(refusal({ ...production, SECRET_KEY: "short" })).toMatch(/SECRET_KEY/);
  });

  it("refuses the default app role password, a missing APP_DATABASE_URL and the owner in its place", () => {
    expect(refusal({ ...production, APP_DATABASE_URL: `postgres://threadline_app:${DEFAULT_APP_DATABASE_PASSWORD}@db:5432/threadline` })).toMatch(
      /APP_DATABASE_URL has the public default password: choose one, run `npm run db:migrate`/,
    );
    expect(refusal({ ...production, APP_DATABASE_URL: undefined, DATABASE_URL: "postgres://postgres:pw@db:5432/threadline" })).toMatch(/APP_DATABASE_URL is not set/);
    expect(refusal({ ...production, APP_DATABASE_URL: "postgres://postgres:pw@db:5432/threadline" })).toMatch(/APP_DATABASE_URL connects as "postgres"/);
  });

  it("lists every refusal at once", () => {
    const message = refusal({ NODE_ENV: "production" });
    expect(message).toMatch(/SECRET_KEY is not set/);
    expect(message).toMatch(/APP_DATABASE_URL is not set/);
  });

  it("marks cookies Secure unless COOKIE_SECURE=false, which it warns about", () => {
    expect(loadEnv(production).COOKIE_SECURE).toBe(true);
    const insecure = loadEnv({ ...production, COOKIE_SECURE: "false" });
    expect(insecure.COOKIE_SECURE).toBe(false);
    expect(insecure.warnings).toEqual([expect.stringMatching(/^COOKIE_SECURE=false: session cookies also travel over plain http/)]);
  });

  it("warns when the owner's DATABASE_URL reaches an app process", () => {
    expect(loadEnv({ ...production, DATABASE_URL: "postgres://postgres:pw@db:5432/threadline" }).warnings).toEqual([expect.stringMatching(/^DATABASE_URL is set in an app process/)]);
  });

  it("keeps previous keys for decryption without judging them", () => {
    expect(loadEnv({ ...production, SECRET_KEY_PREVIOUS: ` ${DEFAULT_SECRET_KEY} , ${STRONG_KEY}` }).SECRET_KEY_PREVIOUS).toEqual([DEFAULT_SECRET_KEY]);
  });
});

describe("loadEnv on a developer machine", () => {
  it("uses the local defaults in development and test, with cookies not Secure", () => {
    for (const NODE_ENV of ["development", "test"]) {
      const env = loadEnv({ NODE_ENV });
      expect(env.SECRET_KEY).toBe(DEFAULT_SECRET_KEY);
      expect(env.APP_DATABASE_URL).toBe(`postgres://threadline_app:${DEFAULT_APP_DATABASE_PASSWORD}@127.0.0.1:5432/threadline`);
      expect(env.COOKIE_SECURE).toBe(false);
    }
  });

  it("derives the app role's URL from DATABASE_URL", () => {
    expect(loadEnv({ NODE_ENV: "test", DATABASE_URL: "postgres://postgres@127.0.0.1:5433/x", APP_DATABASE_PASSWORD: "local-pass" }).APP_DATABASE_URL).toBe(
      "postgres://threadline_app:local-pass@127.0.0.1:5433/x",
    );
  });
});

describe("the owner's commands", () => {
  it("refuse the default app password and a missing DATABASE_URL in production", () => {
    expect(() => loadOwnerEnv({ NODE_ENV: "production", DATABASE_URL: "postgres://postgres:pw@db/t", APP_DATABASE_PASSWORD: DEFAULT_APP_DATABASE_PASSWORD })).toThrow(
      /APP_DATABASE_PASSWORD is the public default/,
    );
    expect(() => loadOwnerEnv({ APP_DATABASE_PASSWORD: "a-strong-app-password" })).toThrow(/DATABASE_URL is not set/);
    expect(loadOwnerEnv({ NODE_ENV: "production", DATABASE_URL: "postgres://postgres:pw@db/t", APP_DATABASE_PASSWORD: "a-strong-app-password" })).toEqual({
      NODE_ENV: "production",
      DATABASE_URL: "postgres://postgres:pw@db/t",
      APP_DATABASE_PASSWORD: "a-strong-app-password",
    });
  });

  it("check the secret keys as the apps do", () => {
    expect(() => loadSecretKeys({ SECRET_KEY: DEFAULT_SECRET_KEY })).toThrow(/SECRET_KEY is the public development default/);
    expect(loadSecretKeys({ SECRET_KEY: STRONG_KEY, SECRET_KEY_PREVIOUS: DEFAULT_SECRET_KEY })).toEqual({ current: STRONG_KEY, previous: [DEFAULT_SECRET_KEY] });
  });
});

describe("weakSecretKey", () => {
  it("accepts random keys", () => {
    expect(weakSecretKey(STRONG_KEY)).toBeNull();
    expect(weakSecretKey("0f3a9c1e5b7d2486af0c3e91b5d7f2a4")).toBeNull();
  });
});
