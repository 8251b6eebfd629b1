import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { channels, withTenant } from "@threadline/db";
import { encryptSecret } from "@threadline/domain/crypto.ts";
import { createTenantEnv, type TestEnv } from "@threadline/testing";
import { CHANNEL_MAX_STALE_MS, CHANNEL_TTL_MS, ChannelDirectory, type ChannelConfig } from "./channels.ts";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
beforeAll(async () => ({ env, T } = await createTenantEnv("Directory")));
afterAll(async () => env?.close());

/** A directory on a clock the test moves, counting its reads of the database. */
class CountingDirectory extends ChannelDirectory {
  reads = 0;
  clock = 1_000_000;
  constructor(options: { maxUnknown?: number } = {}) {
    super(env.db, env.deps.secretKey, { now: () => this.clock, ...options });
  }
  protected override async load(channelId: string): Promise<ChannelConfig | null> {
    this.reads++;
    return super.load(channelId);
  }
}

async function telegramChannel(token: string) {
  const [row] = await withTenant(env.db, T.project.id, (tx) =>
    tx.insert(channels).values({ projectId: T.project.id, kind: "telegram", name: "Бот", externalId: `tg-${token}`, tokenEnc: encryptSecret(token, env.deps.secretKey), webhookSecret: "first" }).returning(),
  );
  return row!.id;
}

const setSecret = (channelId: string, webhookSecret: string) => withTenant(env.db, T.project.id, (tx) => tx.update(channels).set({ webhookSecret }).where(eq(channels.id, channelId)));

describe("channel directory: settings for the ack without waiting on the database", () => {
  it("a cold channel asked for by many requests at once is read once", async () => {
    const id = await telegramChannel("100:cold");
    const directory = new CountingDirectory();
    const configs = await Promise.all(Array.from({ length: 20 }, () => directory.get(id)));
    expect(directory.reads).toBe(1);
    expect(configs.every((c) => c?.webhookSecret === "first" && c.token === "100:cold")).toBe(true);
  });

  it("past the TTL the old settings answer at once while one read refreshes them", async () => {
    const id = await telegramChannel("101:stale");
    const directory = new CountingDirectory();
    await directory.get(id);
    await setSecret(id, "second");
    directory.clock += CHANNEL_TTL_MS + 1;
    const [a, b] = await Promise.all([directory.get(id), directory.get(id)]);
    expect([a?.webhookSecret, b?.webhookSecret]).toEqual(["first", "first"]);
    await expect.poll(async () => (await directory.get(id))?.webhookSecret).toBe("second");
    expect(directory.reads).toBe(2);
  });

  it("settings older than the longest staleness are not served: the caller waits for the read", async () => {
    const id = await telegramChannel("102:old");
    const directory = new CountingDirectory();
    await directory.get(id);
    await setSecret(id, "rotated");
    directory.clock += CHANNEL_MAX_STALE_MS + 1;
    expect((await directory.get(id))?.webhookSecret).toBe("rotated");
  });

  it("a deleted channel is unknown after the refresh", async () => {
    const id = await telegramChannel("103:gone");
    const directory = new CountingDirectory();
    expect(await directory.get(id)).not.toBeNull();
    await withTenant(env.db, T.project.id, (tx) => tx.delete(channels).where(eq(channels.id, id)));
    directory.clock += CHANNEL_TTL_MS + 1;
    await expect.poll(() => directory.get(id)).toBeNull();
  });

  it("keeps the adapter across refreshes while the token is the same, and makes a new one when it changes", async () => {
    const id = await telegramChannel("104:adapter");
    const directory = new CountingDirectory();
    const first = (await directory.adapter(id))!.adapter;
    directory.clock += CHANNEL_MAX_STALE_MS + 1;
    await directory.get(id);
    expect((await directory.adapter(id))!.adapter).toBe(first);
    await withTenant(env.db, T.project.id, (tx) => tx.update(channels).set({ tokenEnc: encryptSecret("104:new", env.deps.secretKey) }).where(eq(channels.id, id)));
    directory.clock += CHANNEL_MAX_STALE_MS + 1;
    await directory.get(id);
    const next = await directory.adapter(id);
    expect(next!.config.token).toBe("104:new");
    expect(next!.adapter).not.toBe(first);
  });

  it("an id that is not a channel's is unknown", async () => {
    const directory = new CountingDirectory();
    expect(await directory.get("not-a-uuid")).toBeNull();
    expect(await directory.get("00000000-0000-4000-8000-000000000000")).toBeNull();
    // The unknown id is remembered for the TTL like a known one: a flood of forged ids costs one read each.
    await directory.get("00000000-0000-4000-8000-000000000000");
    expect(directory.reads).toBe(2);
  });

  it("ids that are no channel's are remembered boundedly and only for the TTL; real channels stay", async () => {
    const id = await telegramChannel("105:flood");
    const directory = new CountingDirectory({ maxUnknown: 50 });
    await directory.get(id);
    for (let i = 0; i < 80; i++) await directory.get(`00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    expect(directory.size).toEqual({ known: 1, unknown: 50 });
    const reads = directory.reads;
    expect((await directory.get(id))?.token).toBe("105:flood");
    expect(directory.reads).toBe(reads);
    directory.clock += CHANNEL_TTL_MS + 1;
    expect(await directory.get("00000000-0000-4000-8000-000000000000")).toBeNull();
    expect(directory.size.unknown).toBe(1);
  });
});
