import type { Server as HttpServer } from "node:http";
import { Redis } from "ioredis";
import { Server, type Socket } from "socket.io";
import type { Db } from "@threadline/db";
import type { Logger } from "@threadline/config";
import { can } from "@threadline/domain/access/member.ts";
import { loadMember } from "@threadline/domain/access/load.ts";
import { resolveSession, SESSION_COOKIE } from "@threadline/domain/auth/sessions.ts";
import { EVENTS_CHANNEL, type RealtimeEvent } from "@threadline/domain/events.ts";
import { parseCookies } from "../trpc/context.ts";

// Rooms: u:<user> (every socket of a person), p:<project>:all (members who see every
// conversation), p:<project>:unassigned (members who see unassigned ones), p:<project>:m:<membership>,
// p:<project>:imports (members who manage history imports: the admin's import page).
const rooms = {
  imports: (projectId: string) => `p:${projectId}:imports`,
  user: (userId: string) => `u:${userId}`,
  all: (projectId: string) => `p:${projectId}:all`,
  unassigned: (projectId: string) => `p:${projectId}:unassigned`,
  member: (projectId: string, membershipId: string) => `p:${projectId}:m:${membershipId}`,
};

type SocketData = { userId: string };

/** Which rooms an event goes to: only members allowed to see the conversation get it. */
export function roomsFor(event: RealtimeEvent): string[] {
  const p = "projectId" in event && typeof event.projectId === "string" ? event.projectId : undefined;
  if (!p) return [];
  switch (event.type) {
    case "conversation.message":
    case "conversation.updated": {
      const targets = [rooms.all(p)];
      const assignee = event.assigneeId as string | null | undefined;
      const previous = event.previousAssigneeId as string | null | undefined;
      if (assignee) targets.push(rooms.member(p, assignee));
      else targets.push(rooms.unassigned(p));
      if (previous && previous !== assignee) targets.push(rooms.member(p, previous));
      return targets;
    }
    case "notification":
      return typeof event.membershipId === "string" ? [rooms.member(p, event.membershipId)] : [];
    case "import.progress":
      return [rooms.imports(p)];
    default:
      return [rooms.all(p)];
  }
}

/**
 * Socket.IO on the inbox server. The handshake is authenticated from the session cookie; a
 * socket joins only rooms of projects its person is an active member of; events arrive from any
 * process through Redis pub/sub; a fired or signed-out person's sockets are closed at once.
 */
export function attachRealtime(httpServer: HttpServer, deps: { db: Db; redisUrl: string; logger: Logger }) {
  const io = new Server<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>(httpServer, {
    path: "/socket.io",
    serveClient: false,
    // A short network drop replays what was missed; longer gaps resync through the API.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
  });

  io.use(async (socket, next) => {
    try {
      const session = await resolveSession(deps.db, parseCookies(socket.handshake.headers.cookie)[SESSION_COOKIE]);
      if (!session) return next(new Error("unauthorized"));
      socket.data.userId = session.user.id;
      next();
    } catch (err) {
      deps.logger.error({ err }, "socket auth failed");
      next(new Error("unavailable"));
    }
  });

  io.on("connection", (socket: Socket) => {
    void socket.join(rooms.user(socket.data.userId));
    socket.on("join", async (payload: unknown, ack?: (r: { ok: boolean; error?: string }) => void) => {
      const { projectId, scope } = (payload ?? {}) as { projectId?: unknown; scope?: unknown };
      try {
        if (typeof projectId !== "string") throw new Error("projectId required");
        const member = await loadMember(deps.db, socket.data.userId, projectId);
        if (scope === "imports") {
          // The admin's import page: progress of the project's imports, nothing of its conversations.
          if (!can(member, "import.manage")) throw new Error("no import access");
          await socket.join(rooms.imports(projectId));
          return ack?.({ ok: true });
        }
        if (!can(member, "inbox.use")) throw new Error("no inbox access");
        await socket.join(rooms.member(projectId, member.membershipId));
        await socket.join(can(member, "conversations.viewAll") ? rooms.all(projectId) : rooms.unassigned(projectId));
        ack?.({ ok: true });
      } catch (err) {
        ack?.({ ok: false, error: (err as Error).message });
      }
    });
  });

  const subscriber = new Redis(deps.redisUrl, { maxRetriesPerRequest: null });
  void subscriber.subscribe(EVENTS_CHANNEL);
  subscriber.on("message", (_channel, raw) => {
    let event: RealtimeEvent;
    try {
      event = JSON.parse(raw) as RealtimeEvent;
    } catch {
      return;
    }
    if (event.type === "member.deactivated" || event.type === "sessions.revoked") {
      io.in(rooms.user(String(event.userId))).disconnectSockets(true);
      return;
    }
    const targets = roomsFor(event);
    if (targets.length) io.to(targets).emit("event", event);
  });

  return {
    io,
    close: async () => {
      subscriber.disconnect();
      await io.close();
    },
  };
}
