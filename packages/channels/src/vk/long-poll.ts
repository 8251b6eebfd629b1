import type { API } from "vk-io";
import { downloadFile, VK_FILE_HOSTS, type MediaFetchOptions } from "../download.ts";
import { isChannelError, malformedPayload } from "../errors.ts";
import { isObject } from "../payload.ts";
import type { ChannelEvent, PollResult } from "../types.ts";
import { mapVkErrors } from "./errors.ts";
import { normaliseVkEvent } from "./events.ts";

// Bots Long Poll, the alternative to the Callback API when no public URL is available.
// The cursor is the server, key and ts VK gave us, so a restarted worker resumes where it was.

interface LongPollSession {
  server: string;
  key: string;
  ts: string;
}

function readCursor(cursor: string | null): LongPollSession | undefined {
  if (!cursor) return undefined;
  try {
    const value: unknown = JSON.parse(cursor);
    if (isObject(value) && typeof value.server === "string" && typeof value.key === "string" && typeof value.ts === "string") {
      return { server: value.server, key: value.key, ts: value.ts };
    }
  } catch {
    // A cursor from an older format: start a new session.
  }
  return undefined;
}

async function openSession(api: API, groupId: number): Promise<LongPollSession> {
  const server = await mapVkErrors(() => api.groups.getLongPollServer({ group_id: groupId }));
  return { server: server.server, key: server.key, ts: String(server.ts) };
}

export async function pollVkLongPoll(input: {
  api: API;
  groupId: number;
  cursor: string | null;
  waitSeconds?: number;
  signal?: AbortSignal;
  media?: MediaFetchOptions;
}): Promise<PollResult> {
  const { api, groupId } = input;
  const session = readCursor(input.cursor) ?? (await openSession(api, groupId));
  const url = new URL(session.server);
  url.search = new URLSearchParams({
    act: "a_check",
    key: session.key,
    ts: session.ts,
    wait: String(input.waitSeconds ?? 25),
  }).toString();

  // The server's address comes from VK's answer: it is fetched under the rules for VK's file hosts.
  const wait = input.waitSeconds ?? 25;
  let answer: Uint8Array;
  try {
    answer = (
      await downloadFile({ ...input.media, timeoutMs: (wait + 15) * 1000, maxBytes: 10 * 1024 * 1024, channel: "vk", url: url.href, hosts: VK_FILE_HOSTS, signal: input.signal })
    ).data;
  } catch (error) {
    if (input.signal?.aborted) throw input.signal.reason ?? error;
    throw error;
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(answer).toString("utf8"));
  } catch (error) {
    throw malformedPayload("vk", "long poll answer is not JSON", error);
  }
  if (!isObject(body)) throw malformedPayload("vk", "long poll answer is not an object");

  if (body.failed !== undefined) {
    // 1: history is partly lost, continue from the new ts; 2: the key expired; 3: key and ts are lost.
    if (body.failed === 1 && typeof body.ts !== "undefined") {
      return { events: [], ignored: [], cursor: JSON.stringify({ ...session, ts: String(body.ts) }) };
    }
    const fresh = await openSession(api, groupId);
    const next = body.failed === 2 ? { ...fresh, ts: session.ts } : fresh;
    return { events: [], ignored: [], cursor: JSON.stringify(next) };
  }
  if (!Array.isArray(body.updates)) throw malformedPayload("vk", "long poll answer has no updates");

  const events: ChannelEvent[] = [];
  const ignored: string[] = [];
  for (const update of body.updates) {
    if (!isObject(update) || update.group_id !== groupId) {
      ignored.push("update of another community");
      continue;
    }
    // One malformed update must not stall the cursor on the whole batch.
    try {
      const parsed = normaliseVkEvent(update);
      if (parsed.kind === "events") events.push(...parsed.events);
      else ignored.push(parsed.reason);
    } catch (error) {
      if (!isChannelError(error)) throw error;
      ignored.push(error.message);
    }
  }
  return { events, ignored, cursor: JSON.stringify({ ...session, ts: String(body.ts) }) };
}
