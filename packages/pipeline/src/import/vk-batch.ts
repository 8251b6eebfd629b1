import { ChannelError, isChannelError, normaliseVkEvent, toVkChannelError, VK_EXECUTE_LIMIT, type MessageEvent, type VkAdapter } from "@threadline/channels";

// One `execute` of the import: up to 25 calls mixing a page of the community's dialogs
// (getConversations with profiles) and pages of dialogs' history (getHistory oldest first, so
// a dialog's pages are stable while new messages arrive and are stored in the order they were
// written). Each call succeeds or fails on its own; the whole execute may fail too.

export const VK_CHAT_PEER_OFFSET = 2_000_000_000;

export type BatchCall =
  | { kind: "conversations"; offset: number; count: number }
  | { kind: "history"; peerId: number; offset: number; count: number };

export interface DialogSummary {
  peerId: number;
  lastMessageId: number;
  inRead: number;
  outRead: number;
  canWrite: boolean;
  name: string;
}

export type CallResult =
  | { kind: "conversations"; call: Extract<BatchCall, { kind: "conversations" }>; total: number; dialogs: DialogSummary[]; items: number }
  | { kind: "history"; call: Extract<BatchCall, { kind: "history" }>; total: number; messages: MessageEvent[] }
  | { kind: "failed"; call: BatchCall; error: ChannelError };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v ?? 0) || 0);

function callCode(groupId: number, call: BatchCall): string {
  if (call.kind === "conversations") {
    return `API.messages.getConversations(${JSON.stringify({ group_id: groupId, offset: call.offset, count: call.count, filter: "all", extended: 1 })})`;
  }
  return `API.messages.getHistory(${JSON.stringify({ group_id: groupId, peer_id: call.peerId, offset: call.offset, count: call.count, rev: 1 })})`;
}

function parseConversations(call: Extract<BatchCall, { kind: "conversations" }>, value: Json): CallResult {
  const names = new Map<number, string>();
  for (const p of Array.isArray(value.profiles) ? value.profiles : []) {
    if (isObject(p)) names.set(num(p.id), [p.first_name, p.last_name].filter((s) => typeof s === "string" && s).join(" "));
  }
  const items = Array.isArray(value.items) ? value.items : [];
  const dialogs: DialogSummary[] = [];
  for (const item of items) {
    const c = isObject(item) && isObject(item.conversation) ? item.conversation : undefined;
    const peer = c && isObject(c.peer) ? c.peer : undefined;
    if (!c || !peer) continue;
    const peerId = num(peer.id);
    // One-to-one dialogs only: group chats and other communities are not leads.
    if (peer.type !== "user" || peerId <= 0 || peerId >= VK_CHAT_PEER_OFFSET) continue;
    dialogs.push({
      peerId,
      lastMessageId: num(c.last_message_id),
      inRead: num(c.in_read),
      outRead: num(c.out_read),
      canWrite: isObject(c.can_write) ? c.can_write.allowed === true : true,
      name: names.get(peerId) ?? "",
    });
  }
  return { kind: "conversations", call, total: num(value.count), dialogs, items: items.length };
}

function parseHistory(call: Extract<BatchCall, { kind: "history" }>, groupId: number, value: Json): CallResult {
  const messages: MessageEvent[] = [];
  for (const item of Array.isArray(value.items) ? value.items : []) {
    if (!isObject(item)) continue;
    const parsed = normaliseVkEvent({ type: "message_reply", group_id: groupId, event_id: "", v: "5.199", object: item } as never);
    if (parsed.kind === "events") for (const e of parsed.events) if (e.type === "message") messages.push(e);
  }
  return { kind: "history", call, total: num(value.count), messages };
}

export class BatchError extends Error {
  constructor(readonly reason: ChannelError | Error) {
    super(reason.message);
  }
}

/** Runs the calls in one execute. Throws BatchError when the execute as a whole failed. */
export async function runBatch(adapter: VkAdapter, calls: BatchCall[]): Promise<CallResult[]> {
  if (calls.length === 0 || calls.length > VK_EXECUTE_LIMIT) throw new RangeError(`an execute carries 1..${VK_EXECUTE_LIMIT} calls`);
  const groupId = adapter.config.groupId;
  const code = `return [${calls.map((c) => callCode(groupId, c)).join(",")}];`;
  let raw: { response?: unknown; errors?: { code: number | string; message: string; method?: string }[] };
  try {
    raw = (await adapter.api.execute({ code })) as typeof raw;
  } catch (error) {
    const mapped = toVkChannelError(error);
    throw new BatchError(mapped instanceof Error ? mapped : new Error(String(mapped)));
  }
  const response = Array.isArray(raw.response) ? raw.response : [];
  const errors = [...(raw.errors ?? [])];
  return calls.map((call, i): CallResult => {
    const value = response[i];
    if (!isObject(value)) {
      const e = errors.shift();
      const mapped = e ? toVkChannelError(e) : undefined;
      const error = isChannelError(mapped)
        ? mapped
        : new ChannelError({ channel: "vk", kind: "unavailable", message: `VK gave no result for ${call.kind}`, reason: { code: "channel.vk.noHistoryAnswer" }, reasonRu: "VK не ответил на запрос истории" });
      return { kind: "failed", call, error };
    }
    return call.kind === "conversations" ? parseConversations(call, value) : parseHistory(call, groupId, value);
  });
}
