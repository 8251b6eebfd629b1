import { channels, withTenant } from "@threadline/db";
import { encryptSecret } from "@threadline/domain/crypto.ts";
import { TelegramBotApiSimulator, VkApiSimulator } from "@threadline/simulators/channels";
import { createTestEnv, type TestEnv } from "@threadline/testing";
import { ChannelDirectory } from "../channels.ts";
import type { OutboundDeps } from "../outbound.ts";
import { SharedRateLimits } from "../rate-limits.ts";

/** A project with a Telegram bot and a VK community on their simulators, and the outbound send's deps. */
export async function createOutboundEnv(projectName: string, botUsername: string) {
  const env: TestEnv = await createTestEnv();
  const T = await env.createTenant(projectName);
  const tg = new TelegramBotApiSimulator();
  const vk = new VkApiSimulator();
  await tg.start();
  await vk.start();
  env.useEndpoints({ telegramApiRoot: tg.apiRoot, vkApiBaseUrl: vk.apiBaseUrl });
  const channel = async (kind: "vk" | "telegram", externalId: string, token: string) => {
    const [row] = await withTenant(env.db, T.project.id, (tx) =>
      tx.insert(channels).values({ projectId: T.project.id, kind, name: kind, externalId, tokenEnc: encryptSecret(token, env.deps.secretKey), webhookSecret: "s" }).returning(),
    );
    return row!.id;
  };
  const bot = tg.addBot({ username: botUsername });
  const telegram = { id: await channel("telegram", String(bot.botId), bot.token), token: bot.token };
  const community = vk.addCommunity({ name: "Кофейня" });
  const vkChannel = { id: await channel("vk", String(community.groupId), community.token), groupId: community.groupId };
  const deps: OutboundDeps = {
    db: env.db,
    channels: new ChannelDirectory(env.db, env.deps.secretKey, { endpoints: env.deps.endpoints }),
    storage: env.deps.storage,
    publish: env.deps.publish,
    limits: new SharedRateLimits(env.redis, env.queues.prefix),
    enqueueMessageChange: env.queues.enqueueMessageChange,
  };
  const close = async () => {
    await tg.stop();
    await vk.stop();
    await env.close();
  };
  return { env, T, tg, vk, telegram, vkChannel, deps, close };
}
