import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { MailOpen, PanelRight, X } from "lucide-react";
import { Fragment, useCallback, useEffect, useLayoutEffect, useMemo, useRef } from "react";
import { Button, cn, useT, useTRPC } from "@threadline/ui";
import { Avatar, ChannelMark, InactiveMark } from "./bits.tsx";
import { dayLabel, daysAgo } from "./format.ts";
import { retryTransient, useWindowFocused } from "./hooks.ts";
import { MessageBubble } from "./message.tsx";
import { ReplyBox } from "./reply-box.tsx";
import { can, type Access, type ConversationRow, type Message } from "./types.ts";

const PAGE_SIZE = 50;
// Within this many pixels of the bottom the thread follows new messages.
const STICK_PX = 80;
// Older history starts loading this far before the top is reached.
const PRELOAD_PX = 400;

type MessagesPage = { items: Message[]; nextCursor: { sentAt: Date; id: number } | null };
type ListPage = { items: ConversationRow[]; nextCursor: unknown };

/** The middle pane: header, the history paged upwards, and the reply box. */
// A reply shows at once under a negative id of its own until the stored message replaces it.
let lastPendingId = 0;
const nextPendingId = () => --lastPendingId;

export function Thread({
  projectId,
  conversationId,
  access,
  myName,
  panelOpen,
  onTogglePanel,
  onClose,
}: {
  projectId: string;
  conversationId: string;
  access: Access | undefined;
  myName: string;
  panelOpen: boolean;
  onTogglePanel: () => void;
  onClose: () => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const c = trpc.conversations;

  const conversation = useQuery(c.get.queryOptions({ projectId, conversationId }, { retry: retryTransient }));
  const messagesOptions = c.messages.infiniteQueryOptions({ projectId, conversationId, limit: PAGE_SIZE }, { getNextPageParam: (last) => last.nextCursor, retry: retryTransient });
  const history = useInfiniteQuery(messagesOptions);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = history;

  // Pages are newest first; the thread reads oldest to newest.
  const messages = useMemo(() => {
    const out: Message[] = [];
    const pages = history.data?.pages ?? [];
    for (let p = pages.length - 1; p >= 0; p--) {
      const items = pages[p]!.items;
      for (let i = items.length - 1; i >= 0; i--) out.push(items[i]!);
    }
    return out;
  }, [history.data]);

  // ---- reading ----------------------------------------------------------------------------
  const focused = useWindowFocused();
  const newestInbound = useMemo(() => {
    for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.direction === "in") return messages[i]!.id;
    return 0;
  }, [messages]);
  const { mutate: markRead } = useMutation(
    c.markRead.mutationOptions({
      onMutate: () => {
        // The row loses its bold at once, before the list is fetched again.
        queryClient.setQueriesData<InfiniteData<ListPage>>(c.list.infiniteQueryFilter({ projectId }), (data) =>
          data ? { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map((row) => (row.id === conversationId ? { ...row, unread: 0 } : row)) })) } : data,
        );
      },
      onSettled: () => {
        // A list fetched while the read was being saved may still count the message as unread.
        void queryClient.invalidateQueries(c.list.infiniteQueryFilter({ projectId }));
        void queryClient.invalidateQueries(c.unreadCount.queryFilter({ projectId }));
      },
    }),
  );
  const markedUpTo = useRef<number | null>(null);
  useEffect(() => {
    if (!history.isSuccess || !focused) return;
    if (markedUpTo.current !== null && newestInbound <= markedUpTo.current) return;
    markedUpTo.current = newestInbound;
    markRead({ projectId, conversationId });
  }, [history.isSuccess, focused, newestInbound, projectId, conversationId, markRead]);

  const markUnread = useMutation(
    c.markUnread.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries(c.list.infiniteQueryFilter({ projectId }));
        void queryClient.invalidateQueries(c.unreadCount.queryFilter({ projectId }));
        onClose();
      },
    }),
  );

  // ---- scrolling --------------------------------------------------------------------------
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  // The message at the top of the view and its distance from the top: whatever is added above or
  // below (older history, a refetch, a picture that finished loading), it stays where it was.
  const anchor = useRef<{ id: string; offset: number } | null>(null);

  const captureAnchor = () => {
    const el = scroller.current;
    const inner = content.current;
    if (!el || !inner) return;
    const top = el.scrollTop;
    for (const node of inner.querySelectorAll<HTMLElement>("[data-message-id]")) {
      if (node.offsetTop + node.offsetHeight > top) {
        anchor.current = { id: node.dataset.messageId!, offset: node.offsetTop - top };
        return;
      }
    }
  };

  const keepPlace = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    if (stick.current) {
      el.scrollTop = el.scrollHeight;
      return;
    }
    const a = anchor.current;
    const node = a && content.current?.querySelector<HTMLElement>(`[data-message-id="${a.id}"]`);
    if (a && node) el.scrollTop = node.offsetTop - a.offset;
  }, []);

  const loadOlder = useCallback(() => {
    if (!scroller.current || !hasNextPage || isFetchingNextPage) return;
    void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    captureAnchor();
    if (el.scrollTop < PRELOAD_PX) loadOlder();
  };

  useLayoutEffect(keepPlace, [messages, keepPlace]);

  // Images and players take their size after loading.
  useEffect(() => {
    const inner = content.current;
    if (!inner) return;
    const observer = new ResizeObserver(keepPlace);
    observer.observe(inner);
    return () => observer.disconnect();
  }, [keepPlace]);

  // A short first page does not fill the pane: fetch older history until it does.
  useEffect(() => {
    const el = scroller.current;
    if (el && history.isSuccess && el.scrollHeight <= el.clientHeight + PRELOAD_PX) loadOlder();
  }, [history.isSuccess, messages.length, loadOlder]);

  // ---- sending ----------------------------------------------------------------------------
  const reply = useMutation(
    c.reply.mutationOptions({
      onMutate: async ({ text, file }) => {
        await queryClient.cancelQueries({ queryKey: messagesOptions.queryKey });
        const temp: Message = {
          id: nextPendingId(),
          direction: "out",
          author: "member",
          authorName: myName,
          kind: file ? "document" : "text",
          // A voice message shows as such until the sent one, with its player, replaces it.
          text: text.trim() || (file ? (file.mime === "audio/ogg" ? `🎤 ${t("inbox.attachment.voice")}` : `📎 ${file.fileName}`) : ""),
          sentAt: new Date(),
          delivery: "pending",
          failureReason: null,
          agentAction: null,
          editedAt: null,
          imported: false,
          attachments: [],
        };
        queryClient.setQueryData(messagesOptions.queryKey, (data) => {
          if (!data) return data;
          const [first, ...rest] = data.pages as MessagesPage[];
          return { ...data, pages: [{ ...first!, items: [temp, ...first!.items] }, ...rest] };
        });
        return { tempId: temp.id };
      },
      onError: (_error, _vars, context) => {
        if (!context) return;
        queryClient.setQueryData(messagesOptions.queryKey, (data) =>
          data ? { ...data, pages: (data.pages as MessagesPage[]).map((p) => ({ ...p, items: p.items.filter((m) => m.id !== context.tempId) })) } : data,
        );
      },
      onSettled: () => {
        void queryClient.invalidateQueries({ queryKey: messagesOptions.queryKey });
        void queryClient.invalidateQueries(c.get.queryFilter({ projectId, conversationId }));
        void queryClient.invalidateQueries(c.list.infiniteQueryFilter({ projectId }));
      },
    }),
  );

  // ---- render -----------------------------------------------------------------------------
  if (conversation.isError) {
    return (
      <section data-testid="thread" className="flex min-w-0 flex-1 flex-col items-center justify-center bg-slate-50 px-6 text-center">
        <p className="text-sm font-medium text-slate-700">{t("inbox.conversationGone")}</p>
        <p className="mt-1 max-w-sm text-xs text-slate-500">{t("inbox.conversationGoneHint")}</p>
      </section>
    );
  }

  const conv = conversation.data;
  const contact = conv?.contact;
  const name = contact ? contact.name || (contact.username ? `@${contact.username}` : t("inbox.noName")) : "";
  const canReply = can(access, "conversations.reply");
  const disabledReason = !access ? undefined : !canReply ? t("inbox.replyNoPermission") : contact && !contact.active ? t("inbox.replyInactive") : undefined;

  return (
    <section data-testid="thread" data-conversation-id={conversationId} className="flex min-w-0 flex-1 flex-col bg-slate-50">
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-slate-200 bg-white px-4">
        {conv && contact ? (
          <>
            <Avatar id={contact.id} name={name} muted={!contact.active} />
            <div className="min-w-0 flex-1">
              <div className={cn("truncate text-sm font-semibold", contact.active ? "text-slate-900" : "text-slate-500")}>{name}</div>
              <div className="flex items-center gap-1.5 text-xs text-slate-500">
                <ChannelMark kind={conv.channel.kind} />
                <span className="truncate">{conv.channel.name}</span>
                {!contact.active ? (
                  <>
                    <span aria-hidden>·</span>
                    <InactiveMark />
                  </>
                ) : null}
              </div>
            </div>
          </>
        ) : (
          <div className="flex-1" />
        )}
        <Button variant="ghost" size="sm" onClick={() => markUnread.mutate({ projectId, conversationId })} disabled={markUnread.isPending} title={t("inbox.markUnread")}>
          <MailOpen className="h-4 w-4" aria-hidden />
          <span className="hidden xl:inline">{t("inbox.markUnread")}</span>
        </Button>
        <Button
          variant="ghost"
          size="icon"
          className={cn("h-8 w-8", panelOpen && "bg-slate-100")}
          onClick={onTogglePanel}
          title={panelOpen ? t("inbox.hideContact") : t("inbox.showContact")}
          aria-label={panelOpen ? t("inbox.hideContact") : t("inbox.showContact")}
          aria-pressed={panelOpen}
        >
          <PanelRight className="h-4 w-4" />
        </Button>
        <Button variant="ghost" size="icon" className="h-8 w-8" onClick={onClose} title={`${t("inbox.close")} (Esc)`} aria-label={t("inbox.close")}>
          <X className="h-4 w-4" />
        </Button>
      </header>

      <div ref={scroller} onScroll={onScroll} className="min-h-0 flex-1 overflow-y-auto [overflow-anchor:none]">
        <div ref={content} className="relative mx-auto flex max-w-4xl flex-col gap-1 px-6 py-4">
          {history.isPending ? (
            <p className="py-8 text-center text-xs text-slate-400">{t("inbox.loadingHistory")}</p>
          ) : messages.length === 0 ? (
            <p className="py-8 text-center text-xs text-slate-400">{t("inbox.noMessages")}</p>
          ) : (
            <>
              <p className="py-2 text-center text-xs text-slate-400">{hasNextPage ? t("inbox.loadingHistory") : t("inbox.historyStart")}</p>
              {messages.map((m, i) => {
                const prev = messages[i - 1];
                const newDay = !prev || daysAgo(prev.sentAt, m.sentAt) !== 0;
                const showAuthor = newDay || !prev || prev.author !== m.author || prev.authorName !== m.authorName;
                const gap = !newDay && prev && prev.direction !== m.direction;
                return (
                  <Fragment key={m.id}>
                    {newDay ? (
                      <div className="sticky top-2 z-10 flex justify-center py-2">
                        <span className="rounded-full bg-white/90 px-3 py-0.5 text-xs font-medium text-slate-500 shadow-sm ring-1 ring-slate-200">{dayLabel(m.sentAt)}</span>
                      </div>
                    ) : null}
                    <div data-message-id={m.id} className={gap ? "pt-2" : undefined}>
                      <MessageBubble message={m} projectId={projectId} showAuthor={showAuthor} />
                    </div>
                  </Fragment>
                );
              })}
            </>
          )}
        </div>
      </div>

      <ReplyBox
        key={conversationId}
        projectId={projectId}
        conversationId={conversationId}
        disabledReason={disabledReason}
        clientName={contact?.name || undefined}
        error={reply.error}
        onSend={(text, file) => {
          // The reply shows at the bottom, so the thread follows it there.
          stick.current = true;
          return reply.mutateAsync({ projectId, conversationId, text, file });
        }}
      />
    </section>
  );
}
