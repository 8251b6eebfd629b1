import type { IncomingMessage, Server as HttpServer } from "node:http";
import { and, gt, inArray, sql } from "drizzle-orm";
import { Server, type Socket } from "socket.io";
import { sessions, type Db } from "@threadline/db";
import type { Logger, RedisConnectionOptions } from "@threadline/config";
import { can, type Member } from "@threadline/domain/access/member.ts";
import { loadMember } from "@threadline/domain/access/load.ts";
import { connectRedis } from "@threadline/domain/redis.ts";
import { resolveSession, SESSION_COOKIE } from "@threadline/domain/auth/sessions.ts";
import { compareCursors, eventLogKey, EVENTS_CHANNEL, isControlEvent, parseChannelMessage, type ClientEvent, type ControlEvent, type LoggedEvent } from "@threadline/domain/events.ts";
import { parseCookies } from "../trpc/context.ts";

export type { ClientEvent, ConversationEvent, NotificationEvent, ImportProgressEvent, OrderEvent, PaymentEvent, LoggedEvent } from "@threadline/domain/events.ts";

// Rooms: u:<user> (every socket of a person), s:<session> (the sockets a session opened),
// p:<project>:all (members who see every conversation), p:<project>:unassigned (members who see
// unassigned ones), p:<project>:m:<membership>, p:<project>:imports (members who manage history
// imports: the admin's import page). A socket's project rooms follow its member's role.
const rooms = {
  imports: (projectId: string) => `p:${projectId}:imports`,
  user: (userId: string) => `u:${userId}`,
  session: (sessionId: string) => `s:${sessionId}`,
  all: (projectId: string) => `p:${projectId}:all`,
  unassigned: (projectId: string) => `p:${projectId}:unassigned`,
  member: (projectId: string, membershipId: string) => `p:${projectId}:m:${membershipId}`,
  /** The same room for members whose role sees payments (payment events go only there). */
  payments: (room: string) => `${room}:pay`,
};

/** What a socket asked to follow in a project: the inbox, the import page or the orders board. */
type Scope = "inbox" | "imports" | "orders";

type SocketData = { userId: string; sessionId: string; scopes: Map<string, Set<Scope>> };
/**
 * What a join answers. With `since` (the last cursor the client saw), `missed` holds the events of
 * the socket's rooms logged after it, oldest first; `resync` says the log no longer reaches back
 * that far (or too much happened): the client refetches what it shows instead.
 */
export type JoinAck = { ok: boolean; error?: string; missed?: LoggedEvent[]; resync?: boolean };
/** The socket's two directions, as the apps' clients type their Socket.IO socket. */
export type ServerToClient = { event: (event: ClientEvent & { cursor?: string }) => void };
export type ClientToServer = { join: (payload: { projectId: string; scope?: "imports" | "orders"; since?: string }, ack?: (r: JoinAck) => void) => void };
type RealtimeSocket = Socket<ClientToServer, ServerToClient, Record<string, never>, SocketData>;

/** How often the sockets' sessions are checked for expiry. */
const SESSION_CHECK_MS = 60_000;

/** Most logged events a reconnecting socket catches up on; beyond it, it refetches instead. */
export const CATCH_UP_MAX = 2000;
const CURSOR = /^\d{1,16}-\d{1,10}$/;

/**
 * Which rooms a client event goes to: only members allowed to see the conversation get it, by
 * the list's visibility rule (visibleTo): everyone who sees all conversations, the assignee, and
 * for an unassigned conversation the members who see unassigned ones.
 */
export function roomsFor(event: ClientEvent): string[] {
  const p = event.projectId;
  switch (event.type) {
    case "conversation.message":
    case "conversation.updated":
    case "order.created":
    case "order.updated": {
      const targets = [rooms.all(p), event.assigneeId ? rooms.member(p, event.assigneeId) : rooms.unassigned(p)];
      const previous = "previousAssigneeId" in event ? event.previousAssigneeId : undefined;
      if (previous !== undefined && previous !== event.assigneeId) targets.push(previous ? rooms.member(p, previous) : rooms.unassigned(p));
      return targets;
    }
    case "payment.updated": {
      // A conversation's room, narrowed to members whose role sees payments; a payment whose
      // conversation was deleted goes to those who see every conversation.
      const targets = event.conversationId ? [rooms.all(p), event.assigneeId ? rooms.member(p, event.assigneeId) : rooms.unassigned(p)] : [rooms.all(p)];
      return targets.map(rooms.payments);
    }
    case "notification":
      return [rooms.member(p, event.membershipId)];
    case "import.progress":
      return [rooms.imports(p)];
    default: {
      const unknown: never = event;
      throw new Error(`no rooms for ${(unknown as { type: string }).type}`);
    }
  }
}

/** The project rooms a member's socket belongs in for a scope, by their role as it is now. */
function memberRooms(member: Member, scope: Scope): string[] {
  const p = member.projectId;
  if (scope === "imports") {
    if (!can(member, "import.manage")) throw new Error("no import access");
    return [rooms.imports(p)];
  }
  // The orders board hears what the inbox would (orders follow their conversations' visibility).
  if (scope === "orders" ? !can(member, "orders.manage") : !can(member, "inbox.use")) throw new Error("no inbox access");
  const conversationRooms = [rooms.member(p, member.membershipId), can(member, "conversations.viewAll") ? rooms.all(p) : rooms.unassigned(p)];
  return member.hiddenFields.has("payments") ? conversationRooms : [...conversationRooms, ...conversationRooms.map(rooms.payments)];
}

export type RealtimeOptions = {
  db: Db;
  /** The environment's Redis connection options (REDIS_URL or the Sentinels), or a URL. */
  redis: RedisConnectionOptions | string;
  logger: Logger;
  /**
   * Origins a browser may open a socket from (the apps' public URLs). Unset: the server's own
   * host only. A request without an Origin (not a browser's cross-site one) is let through to the
   * session check.
   */
  allowedOrigins?: string[];
};

/** Whether the handshake's Origin is one the apps are served from. */
export function originAllowed(req: Pick<IncomingMessage, "headers">, allowed: string[] | undefined): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (allowed?.length) return allowed.some((a) => new URL(a).origin === url.origin);
  return url.host === req.headers.host;
}

/**
 * Socket.IO on the inbox and admin servers. The handshake must come from an allowed origin and
 * is authenticated from the session cookie; a socket joins only rooms of projects its person is
 * an active member of, and its rooms follow their role; events arrive from any process through
 * Redis pub/sub; a socket closes when its session ends (sign-out, expiry) or its person is fired.
 */
export function attachRealtime(httpServer: HttpServer, deps: RealtimeOptions) {
  const io = new Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>(httpServer, {
    path: "/socket.io",
    serveClient: false,
    // A short network drop replays what was missed; longer gaps resync through the API.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    allowRequest: (req, callback) => {
      const ok = originAllowed(req, deps.allowedOrigins);
      callback(ok ? null : "origin not allowed", ok);
    },
  });

  io.use(async (socket, next) => {
    try {
      const session = await resolveSession(deps.db, parseCookies(socket.handshake.headers.cookie)[SESSION_COOKIE]);
      if (!session) return next(new Error("unauthorized"));
      // A socket whose connection state was recovered keeps the projects it followed (its rooms
      // are restored too and checked again on connection), if it is the same person's.
      const recovered = socket.recovered && socket.data.userId === session.user.id ? socket.data.scopes : undefined;
      socket.data.userId = session.user.id;
      socket.data.sessionId = session.sessionId;
      socket.data.scopes = recovered ?? new Map();
      next();
    } catch (err) {
      deps.logger.error({ err }, "socket auth failed");
      next(new Error("unavailable"));
    }
  });

  /**
   * Puts a socket in the project rooms its member's role allows for the scopes it follows, and
   * takes it out of the others (a role that lost a permission, a membership that ended).
   */
  async function placeInProject(socket: RealtimeSocket, projectId: string): Promise<void> {
    const scopes = socket.data.scopes.get(projectId) ?? new Set<Scope>();
    let wanted: string[] = [];
    try {
      const member = await loadMember(deps.db, socket.data.userId, projectId);
      wanted = [...scopes].flatMap((scope) => memberRooms(member, scope));
    } finally {
      const prefix = `p:${projectId}:`;
      for (const room of socket.rooms) if (room.startsWith(prefix) && !wanted.includes(room)) await socket.leave(room);
      if (wanted.length) await socket.join(wanted);
    }
  }

  const local = () => [...io.of("/").sockets.values()];
  const inProject = (projectId: string) => local().filter((s) => s.data.scopes?.has(projectId));

  /**
   * The logged events of a project after `since` that go to the socket's rooms, or `resync` when
   * the log no longer holds `since` (trimmed, expired) or more than CATCH_UP_MAX came since.
   */
  async function catchUp(socket: RealtimeSocket, projectId: string, since: string): Promise<{ missed?: LoggedEvent[]; resync?: boolean }> {
    const key = eventLogKey(projectId);
    const [first] = await events.xrange(key, "-", "+", "COUNT", 1);
    if (!first || compareCursors(first[0], since) > 0) return { resync: true };
    const entries = await events.xrange(key, `(${since}`, "+", "COUNT", CATCH_UP_MAX + 1);
    if (entries.length > CATCH_UP_MAX) return { resync: true };
    const missed: LoggedEvent[] = [];
    for (const [cursor, fields] of entries) {
      const event = JSON.parse(fields[1]!) as ClientEvent;
      if (roomsFor(event).some((room) => socket.rooms.has(room))) missed.push({ ...event, cursor });
    }
    return { missed };
  }

  io.on("connection", (socket) => {
    void socket.join([rooms.user(socket.data.userId), rooms.session(socket.data.sessionId)]);
    // Restored rooms follow the member's role as it is now (it may have changed meanwhile).
    if (socket.recovered) for (const projectId of socket.data.scopes.keys()) void placeInProject(socket, projectId).catch(() => undefined);
    socket.on("join", async (payload, ack) => {
      // Typed for the apps, read as untrusted input.
      const { projectId, scope, since } = (payload ?? {}) as { projectId?: unknown; scope?: unknown; since?: unknown };
      if (typeof projectId !== "string") return ack?.({ ok: false, error: "projectId required" });
      const wanted: Scope = scope === "imports" ? "imports" : scope === "orders" ? "orders" : "inbox";
      // Recorded before the membership is read, so a deactivation meanwhile still finds this socket.
      const scopes = socket.data.scopes.get(projectId) ?? new Set<Scope>();
      const had = scopes.has(wanted);
      socket.data.scopes.set(projectId, scopes.add(wanted));
      try {
        const member = await loadMember(deps.db, socket.data.userId, projectId);
        await socket.join(memberRooms(member, wanted));
        if (typeof since === "string" && CURSOR.test(since)) ack?.({ ok: true, ...(await catchUp(socket, projectId, since)) });
        else ack?.({ ok: true });
      } catch (err) {
        if (!had) scopes.delete(wanted);
        if (!scopes.size) socket.data.scopes.delete(projectId);
        ack?.({ ok: false, error: (err as Error).message });
      }
    });
  });

  async function onControl(event: ControlEvent): Promise<void> {
    switch (event.type) {
      case "member.deactivated":
        for (const s of inProject(event.projectId)) if (s.data.userId === event.userId) s.disconnect(true);
        return;
      case "member.role_changed":
        await Promise.all(inProject(event.projectId).filter((s) => s.data.userId === event.userId).map((s) => placeInProject(s, event.projectId).catch(() => undefined)));
        return;
      case "role.updated":
        await Promise.all(inProject(event.projectId).map((s) => placeInProject(s, event.projectId).catch(() => undefined)));
        return;
      case "session.revoked":
        io.in(rooms.session(event.sessionId)).disconnectSockets(true);
        return;
      case "sessions.revoked":
        io.in(rooms.user(event.userId)).disconnectSockets(true);
        return;
      default: {
        const unknown: never = event;
        throw new Error(`unknown control event ${(unknown as { type: string }).type}`);
      }
    }
  }

  const subscriber = connectRedis(deps.redis, { maxRetriesPerRequest: null });
  // Reads the projects' event logs for catching up (a subscribed connection cannot).
  const events = connectRedis(deps.redis, { maxRetriesPerRequest: null });
  void subscriber.subscribe(EVENTS_CHANNEL);
  subscriber.on("message", (_channel, raw) => {
    const parsed = parseChannelMessage(raw);
    if (!parsed) return;
    const { event, cursor } = parsed;
    if (isControlEvent(event)) {
      onControl(event).catch((err: unknown) => deps.logger.error({ err, type: event.type }, "realtime control event failed"));
      return;
    }
    try {
      io.to(roomsFor(event)).emit("event", cursor ? { ...event, cursor } : event);
    } catch (err) {
      deps.logger.warn({ err }, "realtime event dropped");
    }
  });

  /** Closes the sockets whose session has expired or is gone (checked once a minute). */
  async function closeExpiredSessions(): Promise<void> {
    const open = local();
    const ids = [...new Set(open.map((s) => s.data.sessionId).filter(Boolean))];
    if (!ids.length) return;
    const live = await deps.db.select({ id: sessions.id }).from(sessions).where(and(inArray(sessions.id, ids), gt(sessions.expiresAt, sql`now()`)));
    const alive = new Set(live.map((r) => r.id));
    for (const s of open) if (s.data.sessionId && !alive.has(s.data.sessionId)) s.disconnect(true);
  }
  const sessionCheck = setInterval(() => void closeExpiredSessions().catch((err: unknown) => deps.logger.error({ err }, "socket session check failed")), SESSION_CHECK_MS);
  sessionCheck.unref();

  return {
    io,
    closeExpiredSessions,
    close: async () => {
      clearInterval(sessionCheck);
      subscriber.disconnect();
      events.disconnect();
      await io.close();
    },
  };
}
