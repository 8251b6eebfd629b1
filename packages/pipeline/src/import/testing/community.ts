import { createHash } from "node:crypto";
import type { VkApiSimulator, VkSimMessage } from "@threadline/simulators/channels";

// A simulated VK community of N dialogs with realistic message counts, generated from a seed
// by the VK simulator, and the checksums that compare what the import stored with it: what the
// import tests and the bench run against.

export { seededRandom, realisticMessageCount } from "@threadline/simulators/channels";

/** What the checksums compare of a simulated message. */
export type SimulatedMessage = Pick<VkSimMessage, "id" | "peerId" | "fromId" | "date" | "text" | "out">;

type Community = NonNullable<ReturnType<VkApiSimulator["world"]["community"]>>;

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
 * Adds a community with `dialogs` dialogs of generated history (the simulator's seeded
 * community): dialogs alternate client and community messages, a few clients have unread
 * messages, a few have forbidden messages (can_write false), some messages carry files.
 */
export function seedVkCommunity(vk: Pick<VkApiSimulator, "seedCommunity">, options: SeedOptions) {
  return vk.seedCommunity(options);
}

/** Every one-to-one message of the community, seeded and live, dialog by dialog. */
export function* communityMessages(community: Community): Generator<SimulatedMessage> {
  const mailbox = community.mailbox;
  for (const peerId of mailbox.peers()) {
    if (peerId <= 0 || peerId >= 2_000_000_000) continue;
    const length = mailbox.historyLength(peerId);
    for (let p = 0; p < length; p += 1) {
      const m = mailbox.historyAt(peerId, p)!;
      yield { id: m.id, peerId: m.peerId, fromId: m.fromId, date: m.date, text: m.text, out: m.out };
    }
  }
}

/** Calls the import needs at least: the dialog list's pages and every dialog's history pages. */
export function minimalCalls(community: Community, pageSize = 200): number {
  const mailbox = community.mailbox;
  let calls = Math.ceil(mailbox.dialogCount() / pageSize);
  for (const peerId of mailbox.peers()) calls += Math.max(1, Math.ceil(mailbox.historyLength(peerId) / pageSize));
  return calls;
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
