import { eq, getTableColumns, getTableName, isTable } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "@threadline/db/schema";
import { channels, projects, staffBots } from "@threadline/db";
import { decryptSecret, encryptSecret, sealedWithCurrentKey } from "../crypto.ts";
import { sealV1 } from "@threadline/testing/secrets.ts";
import { ChannelDirectory } from "@threadline/pipeline/pipeline/channels.ts";
import { createTestEnv, type TestEnv } from "@threadline/testing";
import { SEALED_COLUMNS, resealSecrets } from "./rotate.ts";

const OLD = "old-secret-key-old-secret-key-old-0001";
const NEW = "new-secret-key-5f2a9c81d7e34b60a1c2d3e4";
const keyring = { current: NEW, previous: [OLD] };

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await env?.close();
});

describe("re-encrypting stored secrets", () => {
  it("covers every column of the schema that holds a sealed secret", () => {
    const sealed = Object.values(schema)
      .filter((t) => isTable(t))
      .flatMap((t) => Object.entries(getTableColumns(t)).filter(([key]) => key.endsWith("Enc")).map(([, c]) => `${getTableName(t)}.${c.name}`));
    expect(sealed.sort()).toEqual(SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`).sort());
  });

  it("rewrites every secret under the current key, leaves what it cannot open untouched, and the apps read them with the new key alone", async () => {
    const a = await env.createTenant("Rotation A");
    const b = await env.createTenant("Rotation B");
    const vk = await env.createChannel(b.project.id, "vk");
    const broken = await env.createChannel(b.project.id, "vk");
    await env.owner.update(channels).set({ tokenEnc: sealV1("tg-token-a", OLD) }).where(eq(channels.id, a.channel.id));
    await env.owner.update(channels).set({ tokenEnc: encryptSecret("tg-token-b", OLD) }).where(eq(channels.id, b.channel.id));
    await env.owner.update(channels).set({ tokenEnc: encryptSecret("vk-token-b", NEW) }).where(eq(channels.id, vk.id));
    const unknown = encryptSecret("lost", "a-key-nobody-has-any-more-0000000000");
    await env.owner.update(channels).set({ tokenEnc: unknown }).where(eq(channels.id, broken.id));
    await env.owner.update(projects).set({ openaiKeyEnc: encryptSecret("sk-a", OLD), elevenlabsKeyEnc: sealV1("el-a", OLD) }).where(eq(projects.id, a.project.id));
    await env.owner.update(projects).set({ openaiKeyEnc: sealV1("sk-b", NEW), elevenlabsKeyEnc: null }).where(eq(projects.id, b.project.id));
    // Keyed by project rather than by id: one staff bot per project.
    await env.owner.insert(staffBots).values({ projectId: a.project.id, tokenEnc: encryptSecret("staff-bot-a", OLD), botId: "1", username: "a_staff_bot", webhookSecret: "s" });
    const untouchedBefore = await env.owner.select({ tokenEnc: channels.tokenEnc }).from(channels).where(eq(channels.id, vk.id));

    const report = await resealSecrets(env.owner, keyring, 1);

    expect(report.resealed).toEqual({
      "channels.token_enc": 2,
      "projects.openai_key_enc": 2,
      "projects.elevenlabs_key_enc": 1,
      "payment_accounts.secret_key_enc": 0,
      "payment_accounts.webhook_secret_enc": 0,
      "staff_bots.token_enc": 1,
    });
    const [bot] = await env.owner.select().from(staffBots).where(eq(staffBots.projectId, a.project.id));
    expect(decryptSecret(bot!.tokenEnc, NEW)).toBe("staff-bot-a");
    expect(report.failures).toEqual([{ table: "channels", column: "token_enc", id: broken.id, reason: expect.stringMatching(/neither SECRET_KEY nor in SECRET_KEY_PREVIOUS/) }]);

    const rows = await env.owner.select({ id: channels.id, tokenEnc: channels.tokenEnc }).from(channels);
    for (const row of rows.filter((r) => r.id !== broken.id)) expect(sealedWithCurrentKey(row.tokenEnc, NEW)).toBe(true);
    expect(rows.find((r) => r.id === broken.id)!.tokenEnc).toBe(unknown);
    expect(rows.find((r) => r.id === vk.id)!.tokenEnc).toBe(untouchedBefore[0]!.tokenEnc);
    const [pa] = await env.owner.select().from(projects).where(eq(projects.id, a.project.id));
    expect([decryptSecret(pa!.openaiKeyEnc!, NEW), decryptSecret(pa!.elevenlabsKeyEnc!, NEW)]).toEqual(["sk-a", "el-a"]);

    // The worker, as the app role, with the new key only.
    const directory = new ChannelDirectory(env.db, NEW);
    expect((await directory.get(a.channel.id))!.token).toBe("tg-token-a");
    expect((await directory.get(b.channel.id))!.token).toBe("tg-token-b");

    // A second run finds nothing left to do.
    expect((await resealSecrets(env.owner, keyring)).resealed).toEqual({
      "channels.token_enc": 0,
      "projects.openai_key_enc": 0,
      "projects.elevenlabs_key_enc": 0,
      "payment_accounts.secret_key_enc": 0,
      "payment_accounts.webhook_secret_enc": 0,
      "staff_bots.token_enc": 0,
    });
  });
});
