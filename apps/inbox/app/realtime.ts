import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useEffectEvent } from "react";
import { io, type Socket } from "socket.io-client";
import { useTRPC } from "@threadline/ui";
import type { ClientEvent, ClientToServer, ConversationEvent, JoinAck, NotificationEvent, ServerToClient } from "@threadline/api/realtime";

// Events come in bursts (a client sends five messages in a row, a worker flips delivery states):
// refetches of the same queries are coalesced within this window.
const COALESCE_MS = 150;

/** The later of two event cursors (Redis stream ids, "ms-seq"). */
export function laterCursor(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b) return a ?? b;
  const [am, as] = a.split("-").map(Number) as [number, number];
  const [bm, bs] = b.split("-").map(Number) as [number, number];
  return am > bm || (am === bm && as > bs) ? a : b;
}

/**
 * Live updates of one project's inbox over Socket.IO. The server only says what changed; the
 * screen refetches through the API, so field visibility stays the server's business.
 *
 * After a network drop: when Socket.IO restores the connection (`socket.recovered`) the missed
 * events are replayed to it, and the join with the last cursor covers the moment of the restore;
 * when it cannot (another server, a restart) the join carries the last event cursor seen and the
 * server answers with the missed events,
 * which refetch just the conversations they name; only when its log no longer reaches that far
 * is everything the screen shows fetched again.
 */
export function useRealtime(projectId: string | undefined, onNotification?: (event: NotificationEvent) => void, onConversationEvent?: (event: ConversationEvent) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The latest handler, without reconnecting the socket when it changes.
  const notify = useEffectEvent((event: NotificationEvent) => onNotification?.(event));
  const conversationEvent = useEffectEvent((event: ConversationEvent) => onConversationEvent?.(event));

  useEffect(() => {
    if (!projectId) return;
    const c = trpc.conversations;
    const pendingConversations = new Set<string>();
    let pendingList = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const flush = () => {
      timer = undefined;
      if (pendingList) {
        void queryClient.invalidateQueries(c.list.infiniteQueryFilter({ projectId }));
        void queryClient.invalidateQueries(c.unreadCount.queryFilter({ projectId }));
      }
      for (const conversationId of pendingConversations) {
        // Only the open conversation's queries are active, so only they refetch.
        void queryClient.invalidateQueries(c.messages.infiniteQueryFilter({ projectId, conversationId }));
        void queryClient.invalidateQueries(c.get.queryFilter({ projectId, conversationId }));
        void queryClient.invalidateQueries(c.clientCard.queryFilter({ projectId, conversationId }));
      }
      pendingList = false;
      pendingConversations.clear();
    };
    const schedule = (conversationId: string) => {
      pendingList = true;
      pendingConversations.add(conversationId);
      timer ??= setTimeout(flush, COALESCE_MS);
    };
    const resync = () => void queryClient.invalidateQueries(c.pathFilter());

    const socket: Socket<ServerToClient, ClientToServer> = io({ path: "/socket.io", withCredentials: true });
    let connectedBefore = false;
    let cursor: string | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;

    socket.on("connect", () => {
      // Restored with its rooms, the events it missed are replayed to the "event" handler. An event
      // sent while the server was still checking the returning session is not among them, so the
      // socket also asks the project's log for what came after its cursor (a seen event again
      // only refetches what it names once more).
      if (socket.recovered && !cursor) return;
      const returning = connectedBefore;
      const since = returning ? cursor : undefined;
      socket.emit("join", { projectId, ...(since ? { since } : {}) }, (ack?: JoinAck) => {
        if (ack && !ack.ok) return console.warn("realtime: join refused", ack.error);
        if (!returning || !ack) return;
        // Back after a gap: only what changed meanwhile, unless the server can no longer tell.
        if (ack.resync || !since) resync();
        else for (const event of ack.missed ?? []) onEvent(event);
      });
      connectedBefore = true;
    });
    socket.on("disconnect", (reason) => {
      if (reason !== "io server disconnect") return;
      // The server hung up on us: signed out everywhere (no session left), or removed from this
      // project (the session still serves the person's other projects).
      void queryClient.fetchQuery({ ...trpc.auth.me.queryOptions(), staleTime: 0 }).then(
        (me) => window.location.assign(me ? "/?closed=1" : "/login?expired=1"),
        () => window.location.assign("/login?expired=1"),
      );
    });
    socket.on("connect_error", () => {
      // A refused handshake is not retried by the client on its own; try again a bit later.
      if (!socket.active) retry = setTimeout(() => socket.connect(), 5_000);
    });
    const onEvent = (event: ClientEvent & { cursor?: string }) => {
      if (!event || event.projectId !== projectId) return;
      cursor = laterCursor(cursor, event.cursor);
      switch (event.type) {
        case "conversation.message":
        case "conversation.updated":
          conversationEvent(event);
          return schedule(event.conversationId);
        case "payment.updated":
          void queryClient.invalidateQueries(trpc.payments.forConversation.pathFilter());
          // An order's «оплачен» is read from its bill.
          if (event.conversationId) void queryClient.invalidateQueries({ queryKey: trpc.orders.forConversation.queryKey({ projectId, conversationId: event.conversationId }) });
          if (event.conversationId) schedule(event.conversationId);
          return;
        case "notification":
          return notify(event);
        case "import.progress":
          return; // the admin's import page
        case "order.created":
        case "order.updated":
          // The contact panel's orders of that conversation.
          return void queryClient.invalidateQueries({ queryKey: trpc.orders.forConversation.queryKey({ projectId, conversationId: event.conversationId }) });
        default: {
          const unknown: never = event;
          return unknown;
        }
      }
    };
    socket.on("event", onEvent);

    return () => {
      if (timer) clearTimeout(timer);
      if (retry) clearTimeout(retry);
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [projectId, trpc, queryClient]);
}
