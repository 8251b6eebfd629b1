import { createHash } from "node:crypto";
import type { VkApiSimulator } from "@threadline/channels/simulators";

// A simulated VK community of N dialogs with realistic message counts, generated from a seed,
// plus a fault schedule: what the import tests and the bench run against. It drives the VK
// simulator through its public world: messages go into the community's mailbox as VK stores
// them, and the community's history lookup is indexed by peer so that a community of hundreds
// of thousands of dialogs answers getHistory in constant time.

const PHRASES_IN = [
  "Здравствуйте! Сколько стоит доставка?",
  "А есть в наличии?",
  "Спасибо, жду",
  "Можно оплатить картой?",
  "Во сколько вы открываетесь?",
  "Пришлите, пожалуйста, каталог",
  "Добрый вечер, хочу оформить заказ",
];
const PHRASES_OUT = [
  "Добрый день! Доставка по городу — 300 ₽.",
  "Да, всё в наличии.",
  "Конечно, можно картой или по СБП.",
  "Мы работаем с 9 до 21.",
  "Отправили каталог, посмотрите.",
];

/** A small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Messages in a dialog: most are short, a few run to hundreds (mean about 9). */
export function realisticMessageCount(random: () => number): number {
  const u = random();
  if (u < 0.005) return 200 + Math.floor(random() * 800);
  return 1 + Math.floor(-Math.log(1 - random()) * 7);
}

export interface SimulatedMessage {
  id: number;
  peerId: number;
  fromId: number;
  date: number;
  text: string;
  out: 0 | 1;
}

type Sim = Pick<VkApiSimulator, "addCommunity" | "world">;
type Community = NonNullable<ReturnType<VkApiSimulator["world"]["community"]>>;
type SimMessage = Community["messages"][number];

/** Makes the community's per-peer history an index instead of a scan of every message. */
function indexHistory(community: Community): void {
  const byPeer = new Map<number, SimMessage[]>();
  for (const m of community.messages) {
    let list = byPeer.get(m.peerId);
    if (!list) byPeer.set(m.peerId, (list = []));
    list.push(m);
  }
  const messages = community.messages;
  const push = messages.push.bind(messages);
  messages.push = (...items: SimMessage[]) => {
    for (const m of items) {
      let list = byPeer.get(m.peerId);
      if (!list) byPeer.set(m.peerId, (list = []));
      list.push(m);
    }
    return push(...items);
  };
  community.history = (peerId: number) => byPeer.get(peerId) ?? [];
}

export interface SeedOptions {
  dialogs: number;
  /** Fixed count per dialog; realistic counts from the seed otherwise. */
  messagesPerDialog?: number;
  seed?: number;
  /** First client id; dialogs get consecutive ids from here. */
  firstUserId?: number;
  name?: string;
}

/**
 * Adds a community with `dialogs` dialogs of history. Dialogs alternate client and community
 * messages, a few clients have unread messages, a few have forbidden messages (can_write false).
 */
export function seedVkCommunity(vk: Sim, options: SeedOptions) {
  const random = seededRandom(options.seed ?? 1);
  const added = vk.addCommunity({ name: options.name ?? "Сообщество для импорта" });
  const community = vk.world.community(added.groupId)!;
  const firstUserId = options.firstUserId ?? 100_000;
  const start = Math.floor(Date.UTC(2023, 0, 1) / 1000);
  let clock = start;
  let messages = 0;
  for (let d = 0; d < options.dialogs; d += 1) {
    const peerId = firstUserId + d;
    const count = options.messagesPerDialog ?? realisticMessageCount(random);
    const state = community.peer(peerId);
    state.canWrite = random() > 0.03;
    let lastIn = 0;
    let lastOut = 0;
    for (let i = 0; i < count; i += 1) {
      const out: 0 | 1 = i % 2 === 1 && random() > 0.2 ? 1 : 0;
      clock += 1 + Math.floor(random() * 30);
      const phrases = out ? PHRASES_OUT : PHRASES_IN;
      const id = community.nextMessageId++;
      community.messages.push({
        id,
        peerId,
        fromId: out ? -added.groupId : peerId,
        date: clock,
        text: `${phrases[Math.floor(random() * phrases.length)]} #${id}`,
        out,
        conversationMessageId: state.nextConversationMessageId++,
        attachments: [],
        randomId: 0,
        version: community.nextVersion++,
      });
      if (out) lastOut = id;
      else lastIn = id;
    }
    messages += count;
    // Most dialogs are read by the community; one in ten has its last client message unread.
    state.inRead = random() < 0.1 ? Math.max(0, lastIn - 1) : lastIn;
    state.outRead = lastOut;
  }
  indexHistory(community);
  return { ...added, dialogs: options.dialogs, messages, community };
}

/** Every message of the community, as the import must end up storing them. */
export function communityMessages(community: Community): SimulatedMessage[] {
  return community.messages
    .filter((m) => m.peerId > 0 && m.peerId < 2_000_000_000)
    .map((m) => ({ id: m.id, peerId: m.peerId, fromId: m.fromId, date: m.date, text: m.text, out: m.out }));
}

/** A content checksum per message: its id, dialog, direction, time and text. */
export function messageFingerprint(m: { externalId: string; chatId: string; direction: "in" | "out"; sentAtSec: number; text: string }): string {
  return createHash("sha1").update(`${m.externalId}|${m.chatId}|${m.direction}|${m.sentAtSec}|${m.text}`).digest("hex");
}

export function simulatedFingerprint(m: SimulatedMessage): string {
  return messageFingerprint({ externalId: String(m.id), chatId: String(m.peerId), direction: m.out ? "out" : "in", sentAtSec: m.date, text: m.text });
}

/**
 * Missing plus duplicated messages between what VK holds and what was stored, by fingerprint:
 * 0 means the stored history is exactly the community's.
 */
export function historyMismatch(expected: string[], stored: string[]): { missing: number; duplicated: number; extra: number } {
  const counts = new Map<string, number>();
  for (const f of stored) counts.set(f, (counts.get(f) ?? 0) + 1);
  let missing = 0;
  let duplicated = 0;
  for (const f of expected) {
    const n = counts.get(f) ?? 0;
    if (n === 0) missing += 1;
    else if (n > 1) duplicated += n - 1;
    counts.delete(f);
  }
  let extra = 0;
  for (const n of counts.values()) extra += n;
  return { missing, duplicated, extra };
}
