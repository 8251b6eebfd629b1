import { Chain, type API } from "vk-io";
import { ChannelError, isChannelError } from "../errors.ts";
import { isObject, PayloadReader } from "../payload.ts";
import type { MessageEvent } from "../types.ts";
import { mapVkErrors, toVkChannelError } from "./errors.ts";
import { vkMessageEvent } from "./events.ts";

// Reading a community's past dialogs for an import. The import worker keeps the cursor
// (conversation offset, then per peer the history offset) and commits it with each page.

/** messages.getHistory and getConversations return at most 200 items per call. */
export const VK_PAGE_LIMIT = 200;
/** VK runs at most 25 API calls inside one execute. */
export const VK_EXECUTE_LIMIT = 25;

export interface VkConversationSummary {
  peerId: number;
  lastMessageId: number;
  unreadCount: number;
}

export interface VkConversationPage {
  total: number;
  conversations: VkConversationSummary[];
  /** Offset of the next page, or null after the last one. */
  nextOffset: number | null;
}

export interface VkHistoryRequest {
  peerId: number;
  /** Messages to skip from the newest one. */
  offset: number;
  count: number;
}

export interface VkHistoryResult {
  peerId: number;
  /** Messages in the dialog; null when the request failed. */
  total: number | null;
  /** Newest first, as VK returns them; service messages and group chats are left out. */
  messages: MessageEvent[];
  error?: ChannelError;
}

export async function fetchVkConversations(
  api: API,
  groupId: number,
  page: { offset: number; count: number },
): Promise<VkConversationPage> {
  const count = Math.min(Math.max(page.count, 1), VK_PAGE_LIMIT);
  const result = await mapVkErrors(() =>
    api.messages.getConversations({ group_id: groupId, offset: page.offset, count, filter: "all" }),
  );
  const conversations = result.items.map((item) => ({
    peerId: item.conversation.peer.id,
    lastMessageId: item.conversation.last_message_id,
    unreadCount: item.conversation.unread_count ?? 0,
  }));
  const reached = page.offset + conversations.length;
  return {
    total: result.count,
    conversations,
    nextOffset: conversations.length > 0 && reached < result.count ? reached : null,
  };
}

export async function fetchVkHistory(api: API, groupId: number, requests: VkHistoryRequest[]): Promise<VkHistoryResult[]> {
  if (requests.length > VK_EXECUTE_LIMIT) {
    throw new RangeError(`at most ${VK_EXECUTE_LIMIT} history requests fit one execute`);
  }
  const chain = new Chain({ api });
  const calls = requests.map((request) =>
    chain.append("messages.getHistory", {
      group_id: groupId,
      peer_id: request.peerId,
      offset: request.offset,
      count: Math.min(Math.max(request.count, 1), VK_PAGE_LIMIT),
    }),
  );
  const settled = Promise.allSettled(calls);
  try {
    await chain.run();
  } catch (error) {
    // The execute itself failed (rate limit, token): every call failed the same way.
    await settled;
    throw toVkChannelError(error);
  }
  return (await settled).map((outcome, i): VkHistoryResult => {
    const peerId = requests[i]!.peerId;
    if (outcome.status === "rejected") {
      const error = toVkChannelError(outcome.reason);
      if (!isChannelError(error)) throw error;
      return { peerId, total: null, messages: [], error };
    }
    const page = new PayloadReader("vk", isObject(outcome.value) ? outcome.value : {}, "messages.getHistory");
    const messages = page.objects("items").flatMap((item) => {
      const event = vkMessageEvent(item);
      return event ? [event] : [];
    });
    return { peerId, total: page.int("count"), messages };
  });
}
