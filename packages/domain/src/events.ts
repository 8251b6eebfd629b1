import type { Redis } from "ioredis";
import type { importRuns } from "@threadline/db";
import type { NotificationText } from "./leads/notification-texts.ts";

// Realtime events travel through Redis pub/sub so that any number of inbox servers and workers
// can run side by side; the Socket.IO server forwards them to the rooms allowed to see them.
// This closed union is the whole contract: the publishers, the room routing and both apps'
// clients use these types and no other event exists.
export const EVENTS_CHANNEL = "tl:events";

/**
 * A conversation changed (a message came or went, its state, stage or assignee changed). It says
 * who it is assigned to now, so that only members who may see it hear of it; an assignment also
 * names the one it was taken from (null: it was unassigned), who must hear that it left them.
 */
export type ConversationEvent = {
  type: "conversation.message" | "conversation.updated";
  projectId: string;
  conversationId: string;
  assigneeId: string | null;
  previousAssigneeId?: string | null;
  messageId?: number;
  direction?: "in" | "out";
};

/**
 * A payment of the project was created or changed status (ids only). It goes to the members who
 * may see the conversation and whose role sees payments.
 */
export type PaymentEvent = {
  type: "payment.updated";
  projectId: string;
  paymentId: string;
  conversationId: string | null;
  assigneeId: string | null;
};

/** A notification row was written for one member (its text is one of the fixed texts). */
export type NotificationEvent = {
  type: "notification";
  projectId: string;
  membershipId: string;
  conversationId: string | null;
  notificationId: string;
  text: NotificationText;
};

/** An import run's progress, for the admin's import page (published by the import runner). */
type ImportRunState = (typeof importRuns.$inferSelect)["state"];

export type ImportProgressEvent = {
  type: "import.progress";
  projectId: string;
  runId: string;
  channelId: string;
  state: ImportRunState;
  totalDialogs: number | null;
  doneDialogs: number;
  /** Percent of dialogs done, 0–100, as the run's view computes it. */
  percent: number;
  importedMessages: number;
  apiRequests: number;
  messagesPerSecond: number;
  etaSeconds: number | null;
};

/**
 * An order was taken or changed status. Routed like its conversation's events (by the assignee),
 * so only members who may see the conversation hear of it; the board reads the order again.
 */
export type OrderEvent = {
  type: "order.created" | "order.updated";
  projectId: string;
  orderId: string;
  conversationId: string;
  status: "new" | "confirmed" | "preparing" | "ready" | "done" | "cancelled";
  assigneeId: string | null;
};

/**
 * What a browser receives: ids and what changed, never contact data. The screens read the data
 * again through the API, whose serializer removes what the member's role may not see.
 */
export type ClientEvent = ConversationEvent | NotificationEvent | ImportProgressEvent | OrderEvent | PaymentEvent;

/** What the realtime servers act on themselves (never forwarded): whose sockets close or re-join. */
export type ControlEvent =
  | { type: "member.deactivated"; projectId: string; userId: string }
  /** A member was given another role: their sockets' rooms in the project are worked out again. */
  | { type: "member.role_changed"; projectId: string; userId: string }
  /** A role template's permissions or hidden fields changed: the same for everyone holding it. */
  | { type: "role.updated"; projectId: string; roleId: string }
  /** One session ended (sign-out): the sockets it opened close. */
  | { type: "session.revoked"; sessionId: string }
  /** Every session of a person ended («выйти на всех устройствах»). */
  | { type: "sessions.revoked"; userId: string };

export type RealtimeEvent = ClientEvent | ControlEvent;

export type Publish = (event: RealtimeEvent) => Promise<void>;

/**
 * Every client event is also kept, for a while, in its project's event log (a Redis stream): its
 * id is the event's cursor, which the inbox keeps, so that a socket that reconnects where Socket.IO
 * cannot restore its session (another server, a server restart) catches up from its cursor.
 */
export const eventLogKey = (projectId: string) => `tl:events:p:${projectId}`;
/** About this many events per project are kept (approximate trim), and an idle log expires. */
export const EVENT_LOG_MAX = 10_000;
export const EVENT_LOG_TTL_MS = 3600_000;

/** A client event with its place in its project's log. */
export type LoggedEvent = ClientEvent & { cursor: string };

// Logs the event and publishes "<cursor> <json>" in one step, so the order on the channel is the
// order in the log.
const LOG_AND_PUBLISH = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[4], id .. ' ' .. ARGV[1])
return id
`;

export const isControlEvent = (event: RealtimeEvent): event is ControlEvent =>
  event.type === "member.deactivated" || event.type === "member.role_changed" || event.type === "role.updated" || event.type === "session.revoked" || event.type === "sessions.revoked";

export function redisPublisher(redis: Redis): Publish {
  return async (event) => {
    const json = JSON.stringify(event);
    // Control events act on the servers' sockets now; there is nothing to catch up on.
    if (isControlEvent(event)) await redis.publish(EVENTS_CHANNEL, json);
    else await redis.eval(LOG_AND_PUBLISH, 1, eventLogKey(event.projectId), json, EVENT_LOG_MAX, EVENT_LOG_TTL_MS, EVENTS_CHANNEL);
  };
}

/** A message on the events channel: a logged client event ("<cursor> <json>") or a control event (json). */
export function parseChannelMessage(raw: string): { event: RealtimeEvent; cursor?: string } | null {
  try {
    if (raw.startsWith("{")) return { event: JSON.parse(raw) as RealtimeEvent };
    const space = raw.indexOf(" ");
    return { event: JSON.parse(raw.slice(space + 1)) as RealtimeEvent, cursor: raw.slice(0, space) };
  } catch {
    return null;
  }
}

/** Stream ids ("ms-seq") in order. */
export function compareCursors(a: string, b: string): number {
  const [am, as] = a.split("-").map(Number) as [number, number];
  const [bm, bs] = b.split("-").map(Number) as [number, number];
  return am - bm || as - bs;
}
