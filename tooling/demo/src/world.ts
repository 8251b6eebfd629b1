import { and, eq, sql } from "drizzle-orm";
import { ElevenLabsSimulator, OpenAiSimulator } from "@threadline/simulators/ai";
import { StripeSimulator, YooKassaSimulator } from "@threadline/simulators/payments";
import { agentSettings, channels, paymentAccounts, projects, withTenant, type Db } from "@threadline/db";
import { encryptSecret, findDemoProjects } from "@threadline/domain";
import { seedCoffeeMenu } from "@threadline/domain/seed/coffee-menu.ts";
import type { FileStorage } from "@threadline/domain/storage.ts";
import { seedMenuPhotos } from "./menu-photos.ts";
import { TelegramAdapter, VkAdapter } from "@threadline/channels";
import type { BillDeps } from "@threadline/domain/payments/service.ts";
import { billScriptedClients } from "./cashier.ts";
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
// each demo project holds, so that «Озвучить» works in the inbox. The coffee shop's agent words its
// answers with a model (the OpenAI simulator) and transcribes voice notes there; the clinic's stays
// rules-only and has its voice notes transcribed by ElevenLabs (Scribe on the simulator). Fixed ids
// and tokens make a restart reuse the channels and conversations of the previous run.
export type DemoWorld = { vkApi: string; telegramApi: string; elevenLabsApi: string; yookassaApi: string; stop: () => Promise<void> };

/** The simulators, started before the services: the services reach them through these variables. */
export type DemoSimulators = {
  vk: VkApiSimulator;
  tg: TelegramBotApiSimulator;
  elevenlabs: ElevenLabsSimulator;
  openai: OpenAiSimulator;
  yookassa: YooKassaSimulator;
  stripe: StripeSimulator;
  env: Record<string, string>;
  stop: () => Promise<void>;
};

export async function startDemoSimulators(): Promise<DemoSimulators> {
  const vk = new VkApiSimulator();
  const tg = new TelegramBotApiSimulator();
  const elevenlabs = new ElevenLabsSimulator();
  const openai = new OpenAiSimulator();
  const yookassa = new YooKassaSimulator();
  const stripe = new StripeSimulator();
  await vk.start();
  await tg.start();
  await elevenlabs.start();
  await openai.start();
  await yookassa.start();
  await stripe.start();
  return {
    vk,
    tg,
    elevenlabs,
    openai,
    yookassa,
    stripe,
    // The operator's settings, pointed at this machine: the simulators' own origins are the only
    // http and private ones client files may be fetched from.
    env: {
      TELEGRAM_API_ROOT: tg.apiRoot,
      VK_API_BASE_URL: vk.apiBaseUrl,
      ELEVENLABS_BASE_URL: elevenlabs.baseUrl,
      OPENAI_BASE_URL: openai.baseURL,
      YOOKASSA_API_URL: yookassa.apiUrl,
      STRIPE_API_URL: stripe.apiUrl,
      MEDIA_FETCH_EXTRA_ORIGINS: [tg.apiRoot, vk.url].map((u) => new URL(u).origin).join(","),
    },
    stop: async () => {
      await Promise.all([vk.stop(), tg.stop(), elevenlabs.stop(), openai.stop(), yookassa.stop(), stripe.stop()]);
    },
  };
}

/** What the demo's till bills with: the bill service's settings and the outbound queue. */
export type DemoCashier = { deps: BillDeps; enqueueOutbound: (job: { projectId: string; messageId: number }) => Promise<unknown>; everyMs?: number };

export async function startDemoWorld(options: {
  db: Db;
  secretKey: string;
  workerUrl: string;
  simulators: DemoSimulators;
  paceMs?: number;
  clients?: boolean;
  cashier?: DemoCashier;
  /** The services' file storage: the coffee shop's menu gets its photos there. */
  storage?: FileStorage;
}): Promise<DemoWorld> {
  const { vk, tg, elevenlabs } = options.simulators;
  const yookassaApi = options.simulators.yookassa.apiUrl;
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
    await giveAi(options, project.id, coffeeShop ? { apiKey: options.simulators.openai.apiKey, baseUrl: options.simulators.openai.baseURL } : null);
    if (coffeeShop) {
      await seedCoffeeMenu(options.db, project.id);
      if (options.storage) await seedMenuPhotos(options.db, project.id, options.storage);
      await withTenant(options.db, project.id, (tx) => tx.update(channels).set({ settings: sql`jsonb_set(${channels.settings}, '{menuBot}', 'true'::jsonb)` }).where(eq(channels.id, tgId.id)));
    }
    await givePaymentAccount(options, project.id, i);
    if (options.clients !== false) {
      const paceMs = options.paceMs ?? 7000;
      const scripts = DEMO_CONVERSATIONS[project.slug];
      runs.push(startScriptedClients({ target: vkScriptedTarget(vk, groupId, 300_000_001 + i * 10_000), scripts, paceMs, loop: true, concurrency: 2 }));
      runs.push(startScriptedClients({ target: telegramScriptedTarget(tg, bot.token, 600_000_001 + i * 10_000), scripts, paceMs, loop: true, concurrency: 2 }));
      if (coffeeShop) runs.push(startMenuShoppers({ sim: tg, botToken: bot.token, firstClientId: 700_000_001, pauseMs: paceMs * 3 }));
    }
  }
  const payer = options.clients !== false ? startDemoPayer(options.simulators.yookassa) : null;
  // A few scripted clients are billed once they have written twice, so revenue shows on the first start.
  const cashier = options.clients !== false && options.cashier ? startDemoCashier(options.db, projects, options.cashier) : null;
  return {
    vkApi: vk.apiBaseUrl,
    telegramApi: tg.apiRoot,
    elevenLabsApi: elevenlabs.baseUrl,
    yookassaApi,
    // The simulators are stopped by whoever started them.
    stop: async () => {
      runs.forEach((r) => r.stop());
      payer?.stop();
      cashier?.stop();
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

/**
 * With a model: the project's OpenAI-compatible key (saved for this run's simulator address), the
 * model and Whisper for voice notes. Without: rules only, voice notes through ElevenLabs.
 */
async function giveAi(options: { db: Db; secretKey: string }, projectId: string, model: { apiKey: string; baseUrl: string } | null) {
  await withTenant(options.db, projectId, async (tx) => {
    const values = model
      ? { llmModel: "gpt-4o-mini", transcriptionModel: "whisper-1", transcriptionProvider: "openai" as const }
      : { llmModel: null, transcriptionModel: null, transcriptionProvider: "elevenlabs" as const };
    await tx.insert(agentSettings).values({ projectId, ...values }).onConflictDoUpdate({ target: agentSettings.projectId, set: values });
    await tx
      .update(projects)
      .set(model ? { openaiKeyEnc: encryptSecret(model.apiKey, options.secretKey), openaiKeyBaseUrl: model.baseUrl } : { openaiKeyEnc: null, openaiKeyBaseUrl: null })
      .where(eq(projects.id, projectId));
  });
}

/**
 * The project's YooKassa shop on the simulator, connected as a payment account (key encrypted,
 * saved for this run's simulator address), with the shop's notifications sent to the worker.
 * A fixed shop id and key make a restart reuse the account.
 */
async function givePaymentAccount(options: { db: Db; secretKey: string; workerUrl: string; simulators: DemoSimulators }, projectId: string, i: number) {
  const yk = options.simulators.yookassa;
  const shop = yk.addShop({ shopId: String(506_000 + i), secretKey: `test_demo_${projectId.replaceAll("-", "").slice(0, 24)}` });
  const accountId = await withTenant(options.db, projectId, async (tx) => {
    const values = { secretKeyEnc: encryptSecret(shop.secretKey, options.secretKey), apiBaseUrl: yk.apiUrl };
    const [existing] = await tx.select({ id: paymentAccounts.id }).from(paymentAccounts).where(and(eq(paymentAccounts.provider, "yookassa"), eq(paymentAccounts.shopId, shop.shopId)));
    if (existing) {
      await tx.update(paymentAccounts).set(values).where(eq(paymentAccounts.id, existing.id));
      return existing.id;
    }
    const [row] = await tx.insert(paymentAccounts).values({ projectId, provider: "yookassa", name: "ЮKassa (демо)", shopId: shop.shopId, currency: "RUB", ...values }).returning({ id: paymentAccounts.id });
    return row!.id;
  });
  yk.setNotificationUrl(shop.shopId, `${options.workerUrl}/webhooks/yookassa/${accountId}`);
}

/**
 * Scripted clients pay the links they get: a bill a manager sends is paid on the simulator's page
 * (the same as the page's «Оплатить») a little later — two bills in three; the third is left
 * unpaid, as real clients do.
 */
export function startDemoPayer(yk: YooKassaSimulator, options: { delayMs?: number; everyMs?: number } = {}) {
  const delayMs = options.delayMs ?? 8000;
  const seen = new Map<string, number>();
  let count = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    for (const [id, payment] of yk.payments) {
      if (payment.status !== "pending") continue;
      const since = seen.get(id);
      if (since === undefined) {
        seen.set(id, now);
        continue;
      }
      if (since < 0 || now - since < delayMs) continue;
      seen.set(id, -1);
      if (count++ % 3 !== 2) void yk.pay(id);
    }
  }, options.everyMs ?? 2000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function startDemoCashier(db: Db, projects: { id: string; slug: string; ownerUserId: string }[], cashier: DemoCashier) {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    billScriptedClients({ db, projects, deps: cashier.deps, enqueueOutbound: cashier.enqueueOutbound })
      .catch((error: unknown) => console.error(`Demo bills: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        running = false;
      });
  }, cashier.everyMs ?? 15_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
