import { TelegramBotApiSimulator, VkApiSimulator } from "@threadline/simulators/channels";
import type { YooKassaSimulator } from "@threadline/simulators/payments";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { test as base, expect, type Page } from "@playwright/test";
import { seedDemo, type DemoAccount } from "@threadline/domain";
import { createDb, type Db } from "@threadline/db";
import { repoRoot } from "@threadline/demo";

export { expect };

export type AppUrls = { inbox: string; admin: string; worker: string };

/** Where globalSetup started the apps. */
export function appUrls(): AppUrls {
  const { INBOX_URL, ADMIN_URL, WORKER_URL } = process.env;
  if (!INBOX_URL || !ADMIN_URL || !WORKER_URL) {
    throw new Error("INBOX_URL, ADMIN_URL and WORKER_URL are not set: run the specs through playwright.config.ts (its globalSetup starts the apps).");
  }
  return { inbox: INBOX_URL, admin: ADMIN_URL, worker: WORKER_URL };
}

export type Seed = {
  /** The e2e database as the apps connect to it (app role, row-level security): pass it to @threadline/domain services. */
  db: Db;
  /** Two demo projects with a person for every role; safe to call again. */
  demo(): Promise<DemoAccount[]>;
  /** A demo account by role (and project name, default: the first demo project). */
  demoAccount(role: DemoAccount["role"], project?: string): Promise<DemoAccount>;
};

export type SignIn = (page: Page, appUrl: string, email: string, password: string) => Promise<void>;

export type ShotOptions = {
  /** Also copy it into the help center (apps/docs/static/img/screenshots/) when UPDATE_DOC_SCREENSHOTS=1. */
  docs?: boolean;
  fullPage?: boolean;
};
export type Shot = (page: Page, name: string, options?: ShotOptions) => Promise<string>;

/**
 * Signs in through the app's own form: opens the app, fills the email and password inputs and
 * submits; done when the password input is gone.
 */
export async function signIn(page: Page, appUrl: string, email: string, password: string): Promise<void> {
  await page.goto(appUrl);
  const passwordInput = page.locator('input[type="password"]');
  await page.locator('input[type="email"]').fill(email);
  await passwordInput.fill(password);
  await passwordInput.press("Enter");
  await expect(passwordInput, `signing in to ${appUrl} as ${email}`).toHaveCount(0, { timeout: 15_000 });
}

/**
 * The simulators a spec plays the platforms with, on the ports global setup gave the services as
 * their endpoints (TELEGRAM_API_ROOT, VK_API_BASE_URL, ELEVENLABS_BASE_URL, OPENAI_BASE_URL). Specs run one at a time.
 */
export const simulatorPorts = {
  get telegram() {
    return Number(process.env.E2E_TELEGRAM_PORT);
  },
  get vk() {
    return Number(process.env.E2E_VK_PORT);
  },
  get elevenlabs() {
    return Number(process.env.E2E_ELEVENLABS_PORT);
  },
  get yookassa() {
    return Number(process.env.E2E_YOOKASSA_PORT);
  },
  get stripe() {
    return Number(process.env.E2E_STRIPE_PORT);
  },
  get openai() {
    return Number(process.env.E2E_OPENAI_PORT);
  },
};

export function telegramSimulator(): TelegramBotApiSimulator {
  return new TelegramBotApiSimulator({ port: simulatorPorts.telegram });
}

export function vkSimulator(options: ConstructorParameters<typeof VkApiSimulator>[0] = {}): VkApiSimulator {
  return new VkApiSimulator({ ...options, port: simulatorPorts.vk });
}

/** On admin's «ИИ-агент» page: saves the project's ElevenLabs key and voice; done when the key shows as saved. */
export async function saveElevenLabsVoice(page: Page, apiKey: string, voiceId: string): Promise<void> {
  await page.getByLabel("Ключ API ElevenLabs").fill(apiKey);
  await page.getByLabel("ID голоса").fill(voiceId);
  const voiceForm = page.locator("form").filter({ hasText: "Голос для ответов (ElevenLabs)" });
  await voiceForm.getByRole("button", { name: "Сохранить" }).click();
  await expect(voiceForm).toContainText("Ключ сохранён");
}

/**
 * Connects a Telegram bot of the Bot API simulator on the admin's «Каналы» page (the signed-in
 * page is in admin); done when the bot's row is listed.
 */
export async function connectTelegramBot(page: Page, bot: { token: string; username: string }): Promise<void> {
  await page.getByRole("link", { name: "Каналы" }).click();
  await page.getByLabel("Токен бота").fill(bot.token);
  await page.getByRole("button", { name: "Подключить" }).first().click();
  await expect(page.getByRole("cell", { name: `@${bot.username}` })).toBeVisible();
}

/**
 * Connects a VK community of the VK API simulator on the admin's «Каналы» page (the signed-in
 * page is in admin); done when the page says it is connected.
 */
export async function connectVkCommunity(page: Page, community: { groupId: number; token: string; name: string }): Promise<void> {
  await page.getByRole("link", { name: "Каналы" }).click();
  await page.getByLabel("ID сообщества").fill(String(community.groupId));
  await page.getByLabel("Ключ доступа сообщества").fill(community.token);
  await page.getByRole("button", { name: "Подключить" }).last().click();
  await expect(page.getByText(`Подключено: ${community.name}`)).toBeVisible({ timeout: 15_000 });
}

/**
 * Connects a YooKassa shop of the simulator on the admin's «Платежи» page and gives the simulator
 * the notification URL the page shows (on the worker); returns that URL as shown.
 */
export async function connectYooKassa(page: Page, yk: YooKassaSimulator, shop: { shopId: string; secretKey: string }, workerUrl: string): Promise<string> {
  await page.getByRole("link", { name: "Платежи" }).click();
  await expect(page.getByRole("heading", { name: "Платёжные системы" })).toBeVisible();
  await page.getByLabel("shopId").fill(shop.shopId);
  await page.getByLabel("Секретный ключ").fill(shop.secretKey);
  await page.getByRole("button", { name: "Подключить" }).click();
  const webhookUrl = (await page.locator("code").filter({ hasText: "/webhooks/yookassa/" }).first().textContent())!;
  yk.setNotificationUrl(shop.shopId, `${workerUrl}${new URL(webhookUrl).pathname}`);
  return webhookUrl;
}

const docsScreenshots = join(repoRoot, "apps", "docs", "static", "img", "screenshots");

export const test = base.extend<{ urls: AppUrls; seed: Seed; signIn: SignIn; shot: Shot }, { appDb: Db }>({
  appDb: [
    async ({}, use) => {
      const url = process.env.E2E_APP_DATABASE_URL;
      if (!url) throw new Error("E2E_APP_DATABASE_URL is not set: run the specs through playwright.config.ts.");
      const db = createDb(url, { max: 2 });
      await use(db);
      await db.$close();
    },
    { scope: "worker" },
  ],

  urls: async ({}, use) => {
    await use(appUrls());
  },

  seed: async ({ appDb }, use) => {
    let accounts: Promise<DemoAccount[]> | undefined;
    const demo = () => (accounts ??= seedDemo(appDb));
    await use({
      db: appDb,
      demo,
      async demoAccount(role, project) {
        const all = await demo();
        const projectName = project ?? all[0]?.project;
        const account = all.find((a) => a.role === role && a.project === projectName);
        if (!account) throw new Error(`No demo account with role ${role} in ${projectName}`);
        return account;
      },
    });
  },

  signIn: async ({}, use) => {
    await use(signIn);
  },

  shot: async ({}, use, testInfo) => {
    await use(async (page, name, options = {}) => {
      // Kept with the run's artifacts (test-results/screenshots/) and attached to the report.
      const file = join(testInfo.project.outputDir, "screenshots", `${name}.png`);
      await page.screenshot({ path: file, fullPage: options.fullPage ?? false });
      await testInfo.attach(name, { path: file, contentType: "image/png" });
      if (options.docs && process.env.UPDATE_DOC_SCREENSHOTS === "1") {
        mkdirSync(docsScreenshots, { recursive: true });
        copyFileSync(file, join(docsScreenshots, `${name}.png`));
      }
      return file;
    });
  },
});
