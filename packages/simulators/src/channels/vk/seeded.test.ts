import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VkApiSimulator } from "./simulator.ts";

// A seeded community answers as if its history were stored message by message: the dialog list
// by last message, history pages in both directions, live messages moving dialogs to the top.

const vk = new VkApiSimulator({ rateLimit: { limit: 10_000, windowMs: 1000 } });
beforeAll(() => vk.start());
afterAll(() => vk.stop());

async function call(token: string, method: string, params: Record<string, string | number>) {
  const body = new URLSearchParams({ access_token: token, v: "5.199", ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) });
  const res = await fetch(`${vk.apiBaseUrl}/${method}`, { method: "POST", body });
  const json = (await res.json()) as { response?: Record<string, unknown>; error?: unknown };
  if (!json.response) throw new Error(JSON.stringify(json.error));
  return json.response as { count: number; items: Record<string, unknown>[] };
}

describe("seeded VK community", () => {
  it("is the same community for the same seed, with realistic counts", () => {
    const a = vk.seedCommunity({ dialogs: 300, seed: 5 });
    const b = vk.seedCommunity({ dialogs: 300, seed: 5 });
    expect(a.messages).toBe(b.messages);
    expect(a.messages / a.dialogs).toBeGreaterThan(4);
    const first = a.community.history(100_010).map((m) => [m.text.replace(/#\d+$/, ""), m.out, m.date - a.community.history(100_000)[0]!.date]);
    const second = b.community.history(100_010).map((m) => [m.text.replace(/#\d+$/, ""), m.out, m.date - b.community.history(100_000)[0]!.date]);
    expect(first).toEqual(second);
  });

  it("lists dialogs by their last message and pages history both ways", async () => {
    const seeded = vk.seedCommunity({ dialogs: 450, seed: 9, firstUserId: 300_000 });
    const { token, groupId, community } = seeded;
    const walk: number[] = [];
    for (let offset = 0; ; offset += 200) {
      const page = await call(token, "messages.getConversations", { group_id: groupId, offset, count: 200 });
      expect(page.count).toBe(450);
      if (page.items.length === 0) break;
      for (const item of page.items) walk.push((item.conversation as { peer: { id: number } }).peer.id);
    }
    expect(walk).toEqual(Array.from({ length: 450 }, (_, i) => 300_449 - i));

    // A client far down the list writes: the dialog comes first, the rest keep their order.
    vk.simulateClientMessage({ groupId, userId: 300_010, text: "Новое сообщение" });
    const top = await call(token, "messages.getConversations", { group_id: groupId, offset: 0, count: 3 });
    expect(top.items.map((i) => (i.conversation as { peer: { id: number } }).peer.id)).toEqual([300_010, 300_449, 300_448]);
    const tail = await call(token, "messages.getConversations", { group_id: groupId, offset: 439, count: 200 });
    expect(tail.items.map((i) => (i.conversation as { peer: { id: number } }).peer.id)).toEqual([300_011, 300_009, 300_008, 300_007, 300_006, 300_005, 300_004, 300_003, 300_002, 300_001, 300_000]);

    const history = community.history(300_010);
    expect(history.at(-1)!.text).toBe("Новое сообщение");
    const ids = history.map((m) => m.id);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    const oldest = await call(token, "messages.getHistory", { group_id: groupId, peer_id: 300_010, offset: 1, count: 2, rev: 1 });
    expect(oldest.count).toBe(history.length);
    expect(oldest.items.map((m) => m.id)).toEqual(ids.slice(1, 3));
    const newest = await call(token, "messages.getHistory", { group_id: groupId, peer_id: 300_010, offset: 0, count: 2 });
    expect(newest.items.map((m) => m.id)).toEqual(ids.slice(-2).reverse());
  });

  it("serves the files of seeded attachments", async () => {
    const { community } = vk.seedCommunity({ dialogs: 400, messagesPerDialog: 5, seed: 3, firstUserId: 600_000 });
    const withFiles = [...Array(400).keys()].flatMap((i) => community.history(600_000 + i)).filter((m) => m.attachments.length > 0);
    const kinds = new Set(withFiles.map((m) => m.attachments[0]!.type));
    expect(kinds).toEqual(new Set(["photo", "doc", "audio_message"]));
    const doc = withFiles.find((m) => m.attachments[0]!.type === "doc")!.attachments[0]!.doc as { url: string; size: number };
    const res = await fetch(doc.url);
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(doc.size);
  });
});
