import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isChannelError } from "./errors.ts";
import { TelegramBotApiSimulator } from "@threadline/simulators/channels";
import { VkApiSimulator } from "@threadline/simulators/channels";
import { TelegramAdapter } from "./telegram/adapter.ts";
import { verifyAndParseTelegramUpdate } from "./telegram/update.ts";
import type { ChannelEvent } from "./types.ts";
import { VkAdapter } from "./vk/adapter.ts";
import { verifyAndParseVkCallback } from "./vk/callback.ts";

// The simulators' webhook delivery reaching a local receiver that verifies and parses with
// the adapters' functions, as the ingress does: handshake, secret, retries.

interface Receiver {
  url: string;
  events: ChannelEvent[];
  statuses: number[];
  /** Answers with 500 to the next n requests, as a receiver that is briefly down. */
  failNext(n: number): void;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function startReceiver(handle: (req: IncomingMessage, text: string) => { status: number; text: string; events?: ChannelEvent[] }): Promise<Receiver> {
  const events: ChannelEvent[] = [];
  const statuses: number[] = [];
  let failures = 0;
  const server: Server = createServer((req, res) => {
    void body(req).then((text) => {
      let answer: { status: number; text: string; events?: ChannelEvent[] };
      if (failures > 0) {
        failures -= 1;
        answer = { status: 500, text: "temporarily down" };
      } else {
        try {
          answer = handle(req, text);
        } catch (error) {
          if (!isChannelError(error)) throw error;
          answer = { status: error.httpStatus, text: error.message };
        }
      }
      events.push(...(answer.events ?? []));
      statuses.push(answer.status);
      res.writeHead(answer.status, { "content-type": "text/plain" });
      res.end(answer.text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    events,
    statuses,
    failNext: (n) => {
      failures = n;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("VK Callback API delivery", () => {
  const sim = new VkApiSimulator({ callbackRetryDelaysMs: [30, 30, 30] });
  let receiver: Receiver;
  let groupId: number;
  let adapter: VkAdapter;
  let confirmation: string;
  const SECRET = "vk-callback-secret-1";

  beforeAll(async () => {
    await sim.start();
    const community = sim.addCommunity({ name: "Пекарня" });
    groupId = community.groupId;
    confirmation = community.confirmation;
    adapter = new VkAdapter({ groupId, token: community.token, apiBaseUrl: sim.apiBaseUrl, media: { extraOrigins: [sim.url] } });
    receiver = await startReceiver((_req, text) => {
      const result = verifyAndParseVkCallback({ body: text, channel: { groupId, secret: SECRET, confirmation } });
      if (result.kind === "confirmation") return { status: 200, text: result.text };
      return { status: 200, text: "ok", events: result.kind === "events" ? result.events : [] };
    });
  });

  afterAll(async () => {
    await sim.stop();
    await receiver.close();
  });

  it("registers the server, passes the confirmation handshake and delivers events with the secret", async () => {
    const registration = await adapter.registerWebhook({ url: receiver.url, secret: SECRET });
    expect(registration.confirmation).toBe(confirmation);
    await sim.deliveriesIdle();
    expect(sim.callbackServerStatus(groupId, 1)).toBe("ok");

    sim.simulateClientMessage({ groupId, userId: 3003, text: "Есть ли бородинский хлеб?" });
    await sim.deliveriesIdle();
    expect(receiver.events).toMatchObject([{ type: "message", chatId: "3003", text: "Есть ли бородинский хлеб?" }]);

    // A second registration of the same URL reuses the server instead of adding another.
    await adapter.registerWebhook({ url: receiver.url, secret: SECRET });
    await sim.deliveriesIdle();
    expect(sim.world.community(groupId)!.servers).toHaveLength(1);
  });

  it("retries while the receiver fails and stops at the first ok", async () => {
    const before = sim.callbackAttempts.length;
    receiver.failNext(2);
    sim.simulateClientMessage({ groupId, userId: 3004, text: "Алло?" });
    await sim.deliveriesIdle();
    const attempts = sim.callbackAttempts.slice(before);
    expect(attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(receiver.events.filter((e) => e.chatId === "3004")).toHaveLength(1);
  });

  it("does not confirm a server whose receiver answers the wrong string", async () => {
    const wrong = await startReceiver(() => ({ status: 200, text: "not-the-code" }));
    const serverId = sim.addCallbackServer({ groupId, url: wrong.url, secret: SECRET });
    await sim.deliveriesIdle();
    expect(sim.callbackServerStatus(groupId, serverId)).toBe("failed");
    await wrong.close();
  });

  it("a sender with another secret is refused with 403 and nothing is stored", async () => {
    const forgedSim = new VkApiSimulator({ callbackRetryDelaysMs: [10] });
    await forgedSim.start();
    forgedSim.addCommunity({ groupId, confirmation });
    const before = receiver.events.length;
    const serverId = forgedSim.addCallbackServer({ groupId, url: receiver.url, secret: "forged-secret" });
    forgedSim.simulateClientMessage({ groupId, userId: 3005, text: "поддельное" });
    await forgedSim.deliveriesIdle();
    // Even the handshake is refused, so VK never confirms the server nor sends it events.
    expect(forgedSim.callbackAttempts.map((a) => a.status)).toEqual([403, 403]);
    expect(forgedSim.callbackServerStatus(groupId, serverId)).toBe("failed");
    expect(receiver.events).toHaveLength(before);
    await forgedSim.stop();
  });
});

describe("Telegram webhook delivery", () => {
  const sim = new TelegramBotApiSimulator({ webhookRetryDelaysMs: [30, 30] });
  let receiver: Receiver;
  let adapter: TelegramAdapter;
  const SECRET = "tg_webhook_secret-1";

  beforeAll(async () => {
    await sim.start();
    const { token } = sim.addBot();
    adapter = new TelegramAdapter({ token, apiRoot: sim.apiRoot, media: { extraOrigins: [sim.apiRoot] } });
    receiver = await startReceiver((req, text) => {
      const result = verifyAndParseTelegramUpdate({ headers: req.headers, body: text, channel: { secret: SECRET } });
      return { status: 200, text: "", events: result.kind === "events" ? result.events : [] };
    });
    await adapter.registerWebhook({ url: receiver.url, secret: SECRET });
  });

  afterAll(async () => {
    await sim.stop();
    await receiver.close();
  });

  it("delivers updates with the secret token header", async () => {
    sim.simulateClientMessage({ from: { id: 8080, first_name: "Дарья" }, text: "Добрый вечер" });
    await until(() => receiver.events.some((e) => e.chatId === "8080"));
    expect(receiver.events).toMatchObject([{ type: "message", channel: "telegram", chatId: "8080", text: "Добрый вечер" }]);
    // Delivered updates leave the queue once the receiver's answer is in.
    await until(() => sim.pendingUpdates().length === 0);
  });

  it("redelivers an update the receiver failed", async () => {
    receiver.failNext(1);
    sim.simulateClientMessage({ from: { id: 8081, first_name: "Николай" }, text: "Вы работаете в субботу?" });
    await until(() => receiver.events.some((e) => e.chatId === "8081"));
    expect(receiver.statuses.slice(-2)).toEqual([500, 200]);
    expect(receiver.events.filter((e) => e.chatId === "8081")).toHaveLength(1);
  });

  it("a webhook registered with another secret is refused with 403", async () => {
    await adapter.registerWebhook({ url: receiver.url, secret: "someone_else" });
    const before = receiver.events.length;
    sim.simulateClientMessage({ from: { id: 8082, first_name: "Павел" }, text: "поддельное" });
    await until(() => receiver.statuses.filter((s) => s === 403).length >= 3);
    expect(receiver.events).toHaveLength(before);
    await adapter.registerWebhook({ url: receiver.url, secret: SECRET });
  });
});
