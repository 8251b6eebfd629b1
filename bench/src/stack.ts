// The product's processes for the benchmarks: a fresh database and queue prefix (through the
// test environment of @threadline/testing), channels with encrypted tokens and webhook secrets,
// and ingress / workers / Socket.IO in child processes as they run in production.
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";
import { agentSettings, channels } from "@threadline/db";
import { TelegramBotApiSimulator } from "@threadline/simulators/channels";
import { encryptSecret, type Endpoints } from "@threadline/domain";
import { createTestEnv, type TestEnv } from "@threadline/testing";
import type { ServerConfig, ServerMessage, ServerRole } from "./server-process.ts";

export const REDIS_URL = "redis://127.0.0.1:6379";

export type BenchChannel = {
  id: string;
  projectId: string;
  secret: string;
  botId: number;
  token: string;
  /** Telegram numbers a private chat's messages in one sequence for both sides: the bot's counter. */
  nextMessageId: (chatId: number) => number;
};

/**
 * A Telegram bot channel as the admin console creates it: the bot lives in the Telegram Bot API
 * simulator (so the agent's and managers' replies really go out, within Telegram's rate limits),
 * its token is sealed, its webhook secret fresh.
 */
export async function createTelegramChannel(env: TestEnv, telegram: TelegramBotApiSimulator, projectId: string, name: string): Promise<BenchChannel> {
  const { token, botId } = telegram.addBot({ username: `bench_${randomBytes(3).toString("hex")}_bot`, firstName: name });
  const secret = randomBytes(24).toString("base64url");
  const [row] = await env.owner
    .insert(channels)
    .values({ projectId, kind: "telegram", name, externalId: String(botId), tokenEnc: encryptSecret(token, env.deps.secretKey), webhookSecret: secret })
    .returning();
  const bot = telegram.bots.get(token)!;
  return { id: row!.id, projectId, secret, botId, token, nextMessageId: (chatId) => bot.messageId(chatId) };
}

/** The agent of a project on or off (a new project has it on). */
export async function setAgent(env: TestEnv, projectId: string, enabled: boolean) {
  await env.owner.insert(agentSettings).values({ projectId, enabled }).onConflictDoUpdate({ target: agentSettings.projectId, set: { enabled } });
}

/** Clients who started the bot, so that Telegram lets it answer them. */
export function knowChats(telegram: TelegramBotApiSimulator, channel: BenchChannel, chatIds: Iterable<number>) {
  const bot = telegram.bots.get(channel.token)!;
  for (const id of chatIds) {
    telegram.addUser(clientOf(id));
    bot.startedBy.add(id);
  }
}

export type ProductProcess = {
  roles: ServerRole[];
  port: number | null;
  child: ChildProcess;
  stats: () => Promise<Extract<ServerMessage, { type: "stats" }>>;
  resetStats: () => void;
  stop: () => Promise<void>;
};

/** The operator's variables that point a product process at these endpoints. */
export function endpointEnvironment(endpoints: Endpoints): Record<string, string> {
  return {
    TELEGRAM_API_ROOT: endpoints.telegramApiRoot,
    VK_API_BASE_URL: endpoints.vkApiBaseUrl,
    OPENAI_BASE_URL: endpoints.openaiBaseUrl,
    ELEVENLABS_BASE_URL: endpoints.elevenlabsBaseUrl,
    MEDIA_FETCH_EXTRA_ORIGINS: endpoints.mediaExtraOrigins.join(","),
  };
}

const serverEntry = fileURLToPath(new URL("./server-process.ts", import.meta.url));

/** Starts one product process (ingress, workers, realtime or a mix) and waits until it is ready. */
export async function startProductProcess(env: TestEnv, roles: ServerRole[], options: { inboundConcurrency?: number; dbPool?: number; storageDir: string }): Promise<ProductProcess> {
  const config: ServerConfig = {
    roles,
    appUrl: env.database.appUrl,
    redisUrl: REDIS_URL,
    prefix: env.queues.prefix,
    secretKey: env.deps.secretKey,
    storageDir: options.storageDir,
    // apps/worker's defaults: startWorkers' own concurrency, a pool of 20 connections.
    inboundConcurrency: options.inboundConcurrency ?? 0,
    dbPool: options.dbPool ?? 20,
  };
  // As the launchers start the product: test mode (an unset NODE_ENV means production), the app
  // role's URL in the config, the owner's URL and the app password left out.
  const { DATABASE_URL: _owner, APP_DATABASE_PASSWORD: _password, ...base } = process.env;
  const child = fork(serverEntry, [], {
    execArgv: ["--import", "tsx", ...(process.env.BENCH_SERVER_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_SERVER_CPU_PROF}`] : [])],
    env: { ...base, NODE_ENV: base.NODE_ENV ?? "test", ...endpointEnvironment(env.deps.endpoints), BENCH_SERVER_CONFIG: JSON.stringify(config) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number | null>((resolve, reject) => {
    // Generous: a busy machine (other work, a benchmark restarting a process mid-run) starts Node slowly.
    const timer = setTimeout(() => reject(new Error(`${roles.join("+")} process did not start in 90 s`)), 90_000);
    const early = (code: number | null) => reject(new Error(`${roles.join("+")} process exited with ${code}`));
    child.once("exit", early);
    child.on("message", (m: ServerMessage) => {
      if (m.type === "ready") {
        clearTimeout(timer);
        child.off("exit", early);
        resolve(m.port);
      }
    });
  });
  return {
    roles,
    port,
    child,
    resetStats: () => child.send({ type: "reset-stats" }),
    stats: () =>
      new Promise((resolve) => {
        const on = (m: ServerMessage) => {
          if (m.type !== "stats") return;
          child.off("message", on);
          resolve(m);
        };
        child.on("message", on);
        child.send({ type: "stats" });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
        child.send({ type: "stop" });
      }),
  };
}

/** A fresh database and queue prefix, plus a temporary storage folder; `close` removes all of it. */
export async function createBenchEnv() {
  const env = await createTestEnv();
  const storageDir = await mkdtemp(join(tmpdir(), "tl-bench-storage-"));
  const telegram = new TelegramBotApiSimulator({ port: 0 });
  await telegram.start();
  // The simulator first: the product processes get its address through the environment, as the operator's.
  env.useEndpoints({ telegramApiRoot: telegram.apiRoot });
  const processes: ProductProcess[] = [];
  return {
    env,
    telegram,
    storageDir,
    async start(roles: ServerRole[], options: { inboundConcurrency?: number; dbPool?: number } = {}) {
      const p = await startProductProcess(env, roles, { ...options, storageDir });
      processes.push(p);
      return p;
    },
    processes,
    async close() {
      await Promise.all(processes.map((p) => p.stop()));
      await telegram.stop();
      await env.close();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

/** CPU share of each product process since its stats were last reset. */
export async function processCpuReport(processes: ProductProcess[]): Promise<{ roles: string; cpuPct: number; loopP99Ms: number; loopMaxMs: number; rssMb: number }[]> {
  const out = [];
  for (const p of processes) {
    const s = await p.stats();
    out.push({
      roles: p.roles.join("+"),
      cpuPct: Math.round(((s.cpuUserMs + s.cpuSystemMs) / s.elapsedMs) * 1000) / 10,
      loopP99Ms: Math.round(s.loopP99Ms * 10) / 10,
      loopMaxMs: Math.round(s.loopMaxMs * 10) / 10,
      rssMb: Math.round(s.rssMb),
    });
  }
  return out;
}

// Every update gets a fresh update_id.
let updateId = 100_000;

const firstNames = ["Анна", "Ольга", "Иван", "Дмитрий", "Мария", "Сергей", "Екатерина", "Алексей", "Наталья", "Павел"];
const lastNames = ["Петрова", "Смирнов", "Кузнецова", "Попов", "Васильева", "Соколов", "Морозова", "Новиков"];
const phrases = [
  "Здравствуйте! Сколько стоит доставка?",
  "Добрый день, а вы работаете в выходные?",
  "Можно заказать торт на субботу?",
  "Подскажите, пожалуйста, адрес магазина",
  "Спасибо, жду звонка",
  "А есть скидки для постоянных клиентов?",
  "Мой номер 8 912 345-67-89, перезвоните",
  "Хорошо, тогда оформляю заказ",
];

function clientOf(chatId: number) {
  return { id: chatId, first_name: firstNames[chatId % firstNames.length]!, last_name: lastNames[chatId % lastNames.length]!, username: `client_${chatId}`, language_code: "ru" };
}

/** A Telegram `message` update from a private chat, as the Bot API delivers it to the webhook. */
export function telegramUpdate(channel: BenchChannel, chatId: number, text?: string): string {
  const messageId = channel.nextMessageId(chatId);
  const person = clientOf(chatId);
  return JSON.stringify({
    update_id: ++updateId,
    message: {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: person.id, first_name: person.first_name, last_name: person.last_name, username: person.username, type: "private" },
      from: { ...person, is_bot: false },
      text: text ?? phrases[(chatId + messageId) % phrases.length]!,
    },
  });
}

/** Keep-alive HTTP client for the ingress on loopback. */
export function ingressClient(port: number, connections: number) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  return {
    /** POSTs one Telegram update; resolves with the status and the ack time in ms. */
    async postTelegram(channel: BenchChannel, body: string): Promise<{ status: number; ms: number }> {
      const started = performance.now();
      const res = await pool.request({
        path: `/webhooks/telegram/${channel.id}`,
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": channel.secret },
        body,
      });
      await res.body.dump();
      return { status: res.statusCode, ms: performance.now() - started };
    },
    close: () => pool.close(),
  };
}
