import type { Conversation, ConversationRow, Message } from "../types.ts";

/** The list's answer as the server pages it: newest first, with a cursor while more remain. */
export function listPage(items: ConversationRow[], nextCursor: { lastMessageAt: Date; id: string } | null = null, correctedSearch: string | null = null) {
  return { items, nextCursor, correctedSearch };
}

let seq = 0;

/** A conversation row as the list returns it; a client's unread message in a VK channel unless told. */
export function row(over: Partial<ConversationRow> & { name?: string } = {}): ConversationRow {
  const id = over.id ?? `00000000-0000-4000-8000-${String(++seq).padStart(12, "0")}`;
  const { name, ...rest } = over;
  return {
    id,
    stage: "new",
    intent: null,
    aiEnabled: false,
    archivedAt: null,
    lastMessageAt: new Date(),
    preview: "Здравствуйте, сколько стоит доставка?",
    lastDirection: "in",
    lastAuthor: "client",
    lastAuthorId: null,
    lastAuthorName: null,
    attribution: null,
    assigneeId: null,
    assigneeName: null,
    channelId: "c4a00000-0000-4000-8000-0000000000fc",
    channelKind: "vk",
    channelName: "Бодрое утро ВК",
    contact: { id: `contact-${id}`, name: name ?? "Мария Иванова", phone: null, profileUrl: null, active: true, username: null },
    unread: 0,
    lastBy: "client",
    tags: [],
    ...rest,
  };
}

/** A conversation as the thread's header reads it. */
export function conversation(over: Partial<Conversation> = {}): Conversation {
  return {
    id: "conv-1",
    stage: "assigned",
    intent: null,
    aiEnabled: false,
    archivedAt: null,
    aiToggledAt: null,
    attribution: null,
    assigneeId: null,
    externalChatId: "1001",
    businessConnectionId: null,
    lastSeq: 3,
    lastInboundSeq: 2,
    createdAt: new Date("2025-11-20T09:00:00"),
    channel: { id: "c4a00000-0000-4000-8000-0000000000fc", kind: "vk", name: "Бодрое утро ВК" },
    contact: { id: "contact-1", name: "Мария Иванова", username: null, phone: null, email: null, profileUrl: null, active: true, firstTouch: null },
    ...over,
  };
}

let messageId = 0;

/** One message of the history; the client's text unless told. */
export function message(over: Partial<Message> = {}): Message {
  return {
    id: ++messageId,
    direction: "in",
    author: "client",
    authorName: null,
    kind: "text",
    text: "Здравствуйте!",
    transcript: null,
    transcriptError: null,
    sentAt: new Date(),
    delivery: "received",
    failureReason: null,
    agentAction: null,
    editedAt: null,
    deletedAt: null,
    changeFailure: null,
    changeable: false,
    imported: false,
    attachments: [],
    ...over,
  };
}

/** The history's answer: pages are newest first. */
export function historyPage(oldestFirst: Message[], nextCursor: { sentAt: Date; id: number } | null = null) {
  return { items: [...oldestFirst].reverse(), nextCursor };
}
