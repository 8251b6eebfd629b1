import { encodeStartPayload } from "@threadline/channels";
import { simulatedVoice } from "../ai/openai.ts";
import { RUSSIAN_CONVERSATIONS, type ConversationScript, type ScriptStep } from "./conversations.ts";
import { sleep } from "./delivery.ts";
import { solidPng } from "./images.ts";
import type { TelegramBotApiSimulator } from "./telegram/simulator.ts";
import type { VkApiSimulator } from "./vk/simulator.ts";

// Scripted clients: each plays one conversation into a simulator at a gentle pace, waiting for
// the business's answer where a person would, so that the demo inbox fills with live dialogs.

/** One platform the clients write through. */
export interface ScriptedClientTarget {
  readonly kind: "vk" | "telegram";
  /** Ids of simulated clients start here; each client gets its own. */
  readonly firstClientId: number;
  write(clientId: number, step: Exclude<ScriptStep, { awaitReply: true }>, firstTouch: string | undefined): void;
  /** Messages the business has sent to this client so far. */
  repliesTo(clientId: number): number;
}

function receiptPng(): Buffer {
  return solidPng(360, 640, [245, 245, 240]);
}

function productPng(): Buffer {
  return solidPng(800, 800, [214, 96, 120]);
}

/** A voice note that says its words when the script gives them; else the platform's silent one. */
function voiceData(voice: { durationSec: number; says?: string }): Buffer | undefined {
  return voice.says ? simulatedVoice(voice.says, voice.durationSec) : undefined;
}

export function vkScriptedTarget(sim: VkApiSimulator, groupId: number, firstClientId = 300_000_001): ScriptedClientTarget {
  return {
    kind: "vk",
    firstClientId,
    write(userId, step, firstTouch) {
      const ref = firstTouch ? { ref: firstTouch, refSource: "ads" } : {};
      if ("say" in step) sim.simulateClientMessage({ groupId, userId, text: step.say, ...ref });
      else if ("photo" in step) {
        const data = step.photo === "receipt" ? receiptPng() : productPng();
        sim.simulateClientMessage({ groupId, userId, text: step.caption ?? "", attachments: [{ type: "photo", data }], ...ref });
      } else if ("document" in step) {
        const data = Buffer.from(step.document.content, "utf8");
        sim.simulateClientMessage({ groupId, userId, text: step.caption ?? "", attachments: [{ type: "doc", title: step.document.fileName, data }], ...ref });
      } else sim.simulateClientMessage({ groupId, userId, attachments: [{ type: "audio_message", durationSec: step.voice.durationSec, data: voiceData(step.voice) }], ...ref });
    },
    repliesTo: (userId) => sim.sentMessages(userId, groupId).length,
  };
}

export function telegramScriptedTarget(sim: TelegramBotApiSimulator, botToken: string, firstClientId = 600_000_001): ScriptedClientTarget {
  return {
    kind: "telegram",
    firstClientId,
    write(userId, step, firstTouch) {
      // A client from an ad arrives through the deep link: /start with the payload comes first.
      if (firstTouch) sim.simulateClientMessage({ botToken, from: userId, startPayload: firstTouch });
      if ("say" in step) sim.simulateClientMessage({ botToken, from: userId, text: step.say });
      else if ("photo" in step) {
        const data = step.photo === "receipt" ? receiptPng() : productPng();
        sim.simulateClientMessage({ botToken, from: userId, photo: { data }, ...(step.caption ? { caption: step.caption } : {}) });
      } else if ("document" in step) {
        const data = Buffer.from(step.document.content, "utf8");
        sim.simulateClientMessage({ botToken, from: userId, document: { data, fileName: step.document.fileName }, ...(step.caption ? { caption: step.caption } : {}) });
      } else sim.simulateClientMessage({ botToken, from: userId, voice: { durationSec: step.voice.durationSec, data: voiceData(step.voice) } });
    },
    repliesTo: (userId) => sim.sentMessages(userId, { botToken }).length,
  };
}

export interface ScriptedClientsOptions {
  target: ScriptedClientTarget;
  scripts?: readonly ConversationScript[];
  /** Pause between a client's steps; each pause varies by ±30 % so clients do not march in step. */
  paceMs?: number;
  /** How long a client waits for the business to answer before going on. */
  replyTimeoutMs?: number;
  /** Clients writing at the same time. */
  concurrency?: number;
  /** Start over with new clients after the last script, until stopped. */
  loop?: boolean;
  onStep?(info: { clientId: number; script: string; step: ScriptStep }): void;
}

export interface ScriptedClientsRun {
  /** Resolves when every script has been played (never, with loop, until stopped). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export function startScriptedClients(options: ScriptedClientsOptions): ScriptedClientsRun {
  const scripts = options.scripts ?? RUSSIAN_CONVERSATIONS;
  const pace = options.paceMs ?? 6000;
  const replyTimeout = options.replyTimeoutMs ?? 45_000;
  const abort = new AbortController();
  const { signal } = abort;
  const target = options.target;
  let nextClient = target.firstClientId;

  async function play(script: ConversationScript, clientId: number): Promise<void> {
    let firstTouch = script.utm ? encodeStartPayload(script.utm) : undefined;
    for (const step of script.steps) {
      if (signal.aborted) return;
      if ("awaitReply" in step) {
        const before = target.repliesTo(clientId);
        const deadline = Date.now() + replyTimeout;
        while (!signal.aborted && Date.now() < deadline && target.repliesTo(clientId) <= before) await sleep(100, signal);
      } else {
        target.write(clientId, step, firstTouch);
        firstTouch = undefined;
      }
      options.onStep?.({ clientId, script: script.id, step });
      await sleep(pace * (0.7 + Math.random() * 0.6), signal);
    }
  }

  async function worker(queue: ConversationScript[]): Promise<void> {
    while (!signal.aborted) {
      const script = queue.shift();
      if (!script) return;
      await play(script, nextClient++);
    }
  }

  async function run(): Promise<void> {
    do {
      const queue = [...scripts];
      await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 3) }, () => worker(queue)));
    } while (options.loop && !signal.aborted);
  }

  const done = run();
  return {
    done,
    async stop() {
      abort.abort();
      await done;
    },
  };
}
