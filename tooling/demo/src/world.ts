import { and, eq, sql } from "drizzle-orm";
import { ElevenLabsSimulator } from "@threadline/simulators/ai";
import { channels, projects, withTenant, type Db } from "@threadline/db";
import { encryptSecret, findDemoProjects } from "@threadline/domain";
import { seedCoffeeMenu } from "@threadline/domain/seed/coffee-menu.ts";
import { TelegramAdapter, VkAdapter } from "@threadline/channels";
import {
  startMenuShoppers,
  startScriptedClients,
  telegramScriptedTarget,
  TelegramBotApiSimulator,
  VkApiSimulator,
  vkScriptedTarget,
  type ScriptedClientsRun,
} from "@threadline/simulators/channels";
import { DEMO_CONVERSATIONS } from "./clients.ts";

// The demo's outside world: a VK and a Telegram simulator, one community and one bot per demo
// project connected as real channels (tokens encrypted, webhooks registered with secrets),
// scripted clients writing in at a gentle pace, and an ElevenLabs simulator whose key and voice
// each demo project holds, so that «Озвучить» works in the inbox. Fixed ids and tokens make a restart reuse the
// channels and conversations of the previous run.
export type DemoWorld = { vkApi: string; telegramApi: string; elevenLabsApi: string; stop: () => Promise<void> };

/** The simulators, started before the services: the services reach them through these variables. */
export type DemoSimulators = { vk: VkApiSimulator; tg: TelegramBotApiSimulator; elevenlabs: ElevenLabsSimulator; env: Record<string, string>; stop: () => Promise<void> };

export async function startDemoSimulators(): Promise<DemoSimulators> {
  const vk = new VkApiSimulator();
  const tg = new TelegramBotApiSimulator();
  const elevenlabs = new ElevenLabsSimulator();
  await vk.start();
  await tg.start();
  await elevenlabs.start();
  return {
    vk,
    tg,
    elevenlabs,
    // The operator's settings, pointed at this machine: the simulators' own origins are the only
    // http and private ones client files may be fetched from.
    env: {
      TELEGRAM_API_ROOT: tg.apiRoot,
      VK_API_BASE_URL: vk.apiBaseUrl,
      ELEVENLABS_BASE_URL: elevenlabs.baseUrl,
      MEDIA_FETCH_EXTRA_ORIGINS: [tg.apiRoot, vk.url].map((u) => new URL(u).origin).join(","),
    },
    stop: async () => {
      await Promise.all([vk.stop(), tg.stop(), elevenlabs.stop()]);
    },
  };
}

export async function startDemoWorld(options: { db: Db; secretKey: string; workerUrl: string; simulators: DemoSimulators; paceMs?: number; clients?: boolean }): Promise<DemoWorld> {
  const { vk, tg, elevenlabs } = options.simulators;
  const runs: Pick<ScriptedClientsRun, "stop">[] = [];
  const projects = await findDemoProjects(options.db);
  for (const [i, project] of projects.entries()) {
    const groupId = 210_000 + i;
    const community = vk.addCommunity({ groupId, name: project.name, token: `vk1.a.demo-${project.slug}-${"x".repeat(40)}`, confirmation: `demo${i}ok` });
    const bot = tg.addBot({ token: `${7_000_000_000 + i}:AAdemo${project.slug}${"x".repeat(30)}`.slice(0, 46), username: `${project.slug}_shop_bot`, firstName: project.name });
    const tgId = await upsertChannel(options, project.id, { kind: "telegram", name: `@${bot.username}`, externalId: String(bot.botId), token: bot.token });
    await new TelegramAdapter({ token: bot.token, apiRoot: tg.apiRoot }).registerWebhook({ url: `${options.workerUrl}/webhooks/telegram/${tgId.id}`, secret: tgId.secret });
    const vkId = await upsertChannel(options, project.id, { kind: "vk", name: project.name, externalId: String(groupId), token: community.token, confirmation: community.confirmation });
    await new VkAdapter({ groupId, token: community.token, apiBaseUrl: vk.apiBaseUrl }).registerWebhook({ url: `${options.workerUrl}/webhooks/vk/${vkId.id}`, secret: vkId.secret });
    await giveVoice(options, project.id, { apiKey: elevenlabs.apiKey, baseUrl: elevenlabs.baseUrl, voiceId: "demo-voice-anna" });
    // The coffee shop sells through its bot's button menu; its menu clients keep the orders board alive.
    const coffeeShop = project.slug === "zerno";
    if (coffeeShop) {
      await seedCoffeeMenu(options.db, project.id);
      await withTenant(options.db, project.id, (tx) => tx.update(channels).set({ settings: sql`jsonb_set(${channels.settings}, '{menuBot}', 'true'::jsonb)` }).where(eq(channels.id, tgId.id)));
    }
    if (options.clients !== false) {
      const paceMs = options.paceMs ?? 7000;
      const scripts = DEMO_CONVERSATIONS[project.slug];
      runs.push(startScriptedClients({ target: vkScriptedTarget(vk, groupId, 300_000_001 + i * 10_000), scripts, paceMs, loop: true, concurrency: 2 }));
      runs.push(startScriptedClients({ target: telegramScriptedTarget(tg, bot.token, 600_000_001 + i * 10_000), scripts, paceMs, loop: true, concurrency: 2 }));
      if (coffeeShop) runs.push(startMenuShoppers({ sim: tg, botToken: bot.token, firstClientId: 700_000_001, pauseMs: paceMs * 3 }));
    }
  }
  return {
    vkApi: vk.apiBaseUrl,
    telegramApi: tg.apiRoot,
    elevenLabsApi: elevenlabs.baseUrl,
    // The simulators are stopped by whoever started them.
    stop: async () => {
      runs.forEach((r) => r.stop());
    },
  };
}

type ChannelSpec = { kind: "vk" | "telegram"; name: string; externalId: string; token: string; confirmation?: string };

async function upsertChannel(options: { db: Db; secretKey: string }, projectId: string, spec: ChannelSpec) {
  return withTenant(options.db, projectId, async (tx) => {
    const tokenEnc = encryptSecret(spec.token, options.secretKey);
    const [existing] = await tx.select().from(channels).where(and(eq(channels.kind, spec.kind), eq(channels.externalId, spec.externalId)));
    if (existing) {
      await tx.update(channels).set({ tokenEnc, confirmation: spec.confirmation ?? null, state: "active" }).where(eq(channels.id, existing.id));
      return { id: existing.id, secret: existing.webhookSecret };
    }
    const secret = `demo-${spec.kind}-${Math.random().toString(36).slice(2, 14)}`;
    const [row] = await tx
      .insert(channels)
      .values({ projectId, kind: spec.kind, name: spec.name, externalId: spec.externalId, tokenEnc, webhookSecret: secret, confirmation: spec.confirmation })
      .returning({ id: channels.id });
    return { id: row!.id, secret };
  });
}

/** The project's ElevenLabs key (encrypted, saved for this run's simulator address) and voice. */
async function giveVoice(options: { db: Db; secretKey: string }, projectId: string, voice: { apiKey: string; baseUrl: string; voiceId: string }) {
  await withTenant(options.db, projectId, async (tx) => {
    const [row] = await tx.select({ settings: projects.settings }).from(projects).where(eq(projects.id, projectId));
    await tx
      .update(projects)
      .set({ settings: { ...row!.settings, voice: { voiceId: voice.voiceId } }, elevenlabsKeyEnc: encryptSecret(voice.apiKey, options.secretKey), elevenlabsKeyBaseUrl: voice.baseUrl })
      .where(eq(projects.id, projectId));
  });
}
