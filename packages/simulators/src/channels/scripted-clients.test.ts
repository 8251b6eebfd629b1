import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeStartPayload } from "@threadline/channels";
import { TelegramAdapter } from "@threadline/channels";
import type { ChannelAdapter } from "@threadline/channels";
import type { MessageEvent, PollResult } from "@threadline/channels";
import { VkAdapter } from "@threadline/channels";
import { RUSSIAN_CONVERSATIONS } from "./conversations.ts";
import { startScriptedClients, telegramScriptedTarget, vkScriptedTarget } from "./scripted-clients.ts";
import { TelegramBotApiSimulator } from "./telegram/simulator.ts";
import { VkApiSimulator } from "./vk/simulator.ts";

// Scripted clients talk to a business that answers through the real adapters: the scripts wait
// for those answers, and everything arrives as the inbox would receive it.

/**
 * Answers every inbound message through the adapter until stopped. It opens its long poll
 * before returning, so no client message written afterwards is missed.
 */
async function operator(adapter: ChannelAdapter) {
  const seen: MessageEvent[] = [];
  const abort = new AbortController();
  let cursor: string | null = (await adapter.pollUpdates(null, { waitSeconds: 0 })).cursor;
  const loop = (async () => {
    while (!abort.signal.aborted) {
      const round: PollResult | undefined = await adapter.pollUpdates(cursor, { waitSeconds: 1, signal: abort.signal }).catch(() => undefined);
      if (!round) break;
      cursor = round.cursor;
      for (const event of round.events) {
        if (event.type !== "message" || event.direction !== "inbound") continue;
        seen.push(event);
        await adapter.send({ chatId: event.chatId, idempotencyKey: event.dedupeId, text: "Здравствуйте! Сейчас подскажу." });
      }
    }
  })();
  return {
    seen,
    async waitFor(text: string) {
      const deadline = Date.now() + 5000;
      while (!seen.some((m) => m.text === text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    },
    async stop() {
      abort.abort();
      await loop;
    },
  };
}

const vk = new VkApiSimulator();
const telegram = new TelegramBotApiSimulator();

beforeAll(async () => {
  await Promise.all([vk.start(), telegram.start()]);
});

afterAll(async () => {
  await Promise.all([vk.stop(), telegram.stop()]);
});

describe("scripted clients", () => {
  it("offer a dozen Russian conversations", () => {
    expect(RUSSIAN_CONVERSATIONS.length).toBeGreaterThanOrEqual(12);
    expect(new Set(RUSSIAN_CONVERSATIONS.map((s) => s.id)).size).toBe(RUSSIAN_CONVERSATIONS.length);
    const kinds = new Set(RUSSIAN_CONVERSATIONS.flatMap((s) => s.steps.map((step) => Object.keys(step)[0])));
    expect([...kinds].sort()).toEqual(["awaitReply", "document", "photo", "say", "voice"]);
  });

  it("play a VK conversation, waiting for the business's answers", async () => {
    const { groupId, token } = vk.addCommunity();
    const adapter = new VkAdapter({ groupId, token, apiBaseUrl: vk.apiBaseUrl, media: { extraOrigins: [vk.url] } });
    const business = await operator(adapter);
    const script = RUSSIAN_CONVERSATIONS.find((s) => s.id === "bouquet-price")!;
    const run = startScriptedClients({ target: vkScriptedTarget(vk, groupId, 777_001), scripts: [script], paceMs: 5, replyTimeoutMs: 5000 });
    await run.done;
    await business.waitFor("Хорошо, давайте оформим. Мой номер +7 916 123-45-67");
    await business.stop();

    expect(business.seen.map((m) => m.text)).toEqual([
      "Здравствуйте! Сколько стоит букет из 25 тюльпанов?",
      "А доставка до метро Профсоюзная сколько будет?",
      "Хорошо, давайте оформим. Мой номер +7 916 123-45-67",
    ]);
    expect(business.seen[0]!.attribution?.utm).toEqual(script.utm);
    expect(business.seen[1]!.attribution).toBeUndefined();
    expect(vk.sentMessages(777_001, groupId)).toHaveLength(3);
  });

  it("play Telegram conversations with a deep-link start and a receipt photo", async () => {
    const { token } = telegram.addBot();
    const adapter = new TelegramAdapter({ token, apiRoot: telegram.apiRoot, media: { extraOrigins: [telegram.apiRoot] } });
    const business = await operator(adapter);
    const scripts = RUSSIAN_CONVERSATIONS.filter((s) => s.id === "callback-phone" || s.id === "payment-receipt");
    const run = startScriptedClients({ target: telegramScriptedTarget(telegram, token, 888_001), scripts, paceMs: 5, replyTimeoutMs: 5000, concurrency: 2 });
    await run.done;
    await business.waitFor("Когда ждать курьера?");
    await business.waitFor("8 (903) 555-12-34, Анна");
    await business.stop();

    const start = business.seen.find((m) => m.text === "/start");
    expect(start?.attribution?.utm).toEqual(RUSSIAN_CONVERSATIONS.find((s) => s.id === "callback-phone")!.utm);
    expect(decodeStartPayload(start!.attribution!.raw)).toEqual(start!.attribution!.utm);
    const receipt = business.seen.find((m) => m.text === "Вот чек");
    expect(receipt?.attachments).toMatchObject([{ kind: "photo", width: 360, height: 640 }]);
    expect(business.seen.map((m) => m.text)).toContain("Когда ждать курьера?");
  });

  it("stop promptly", async () => {
    const { groupId } = vk.addCommunity();
    const run = startScriptedClients({ target: vkScriptedTarget(vk, groupId, 999_001), paceMs: 60_000, loop: true });
    const started = Date.now();
    await run.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(vk.world.community(groupId)!.messages.length).toBeGreaterThan(0);
  });
});
