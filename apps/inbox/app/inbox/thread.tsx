import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useT, useTRPC } from "@threadline/ui";
import { retryTransient } from "./hooks.ts";
import { MessageList } from "./message-list.tsx";
import { useConversationPayments } from "./payments.tsx";
import { usePendingReplies } from "./pending-replies.ts";
import { ReplyBox } from "./reply-box.tsx";
import { ThreadGone, ThreadHeader } from "./thread-header.tsx";
import { newestInboundId, useThreadMessages } from "./thread-messages.ts";
import { useMarkReadWhenVisible, useMarkUnread, useSetArchived } from "./thread-reading.ts";
import { useThreadScroll } from "./thread-scroll.ts";
import { can, type Access } from "./types.ts";

/** The middle pane: header, the history paged upwards, and the reply box. */
export function Thread({
  projectId,
  conversationId,
  focusMessageId = null,
  access,
  myName,
  panelOpen,
  onTogglePanel,
  onClose,
  phone = false,
}: {
  projectId: string;
  conversationId: string;
  /** A message to open the thread at (a search result's), scrolled to and highlighted. */
  focusMessageId?: number | null;
  access: Access | undefined;
  myName: string;
  panelOpen: boolean;
  onTogglePanel: () => void;
  onClose: () => void;
  /** One screen at a time (see ThreadHeader). */
  phone?: boolean;
}) {
  const t = useT();
  const trpc = useTRPC();
  const conversation = useQuery(trpc.conversations.get.queryOptions({ projectId, conversationId }, { retry: retryTransient }));
  const { history, messages, queryKey } = useThreadMessages(projectId, conversationId);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = history;

  const newestInbound = useMemo(() => newestInboundId(messages), [messages]);
  useMarkReadWhenVisible({ projectId, conversationId, loaded: history.isSuccess, newestInbound });
  const markUnread = useMarkUnread(projectId, onClose);
  const setArchived = useSetArchived(projectId, conversationId);
  const { scroller, content, onScroll, followBottom } = useThreadScroll({ messages, loaded: history.isSuccess, hasNextPage, isFetchingNextPage, fetchNextPage, focusMessageId });
  const paymentsView = useConversationPayments(projectId, conversationId, access);
  const paymentsByMessage = useMemo(() => new Map((paymentsView?.payments ?? []).flatMap((p) => (p.messageId ? [[p.messageId, p] as const] : []))), [paymentsView]);
  const reply = usePendingReplies({ projectId, conversationId, myName, historyKey: queryKey });

  if (conversation.isError) return <ThreadGone />;

  const conv = conversation.data;
  const contact = conv?.contact;
  const name = contact ? contact.name || (contact.username ? `@${contact.username}` : t("inbox.noName")) : "";
  const canReply = can(access, "conversations.reply");
  const disabledReason = !access ? undefined : !canReply ? t("inbox.replyNoPermission") : contact && !contact.active ? t("inbox.replyInactive") : undefined;

  return (
    <section data-testid="thread" data-conversation-id={conversationId} className="flex min-w-0 flex-1 flex-col bg-slate-50">
      <ThreadHeader
        conversation={conv}
        name={name}
        panelOpen={panelOpen}
        markingUnread={markUnread.isPending}
        onMarkUnread={() => markUnread.mutate({ projectId, conversationId })}
        archiving={setArchived.isPending}
        onArchive={(archived) => setArchived.mutate({ projectId, conversationId, archived })}
        onTogglePanel={onTogglePanel}
        onClose={onClose}
        phone={phone}
      />

      <div ref={scroller} onScroll={onScroll} className="min-h-0 flex-1 overflow-y-auto [overflow-anchor:none]">
        <div ref={content} className="relative mx-auto flex max-w-4xl flex-col gap-1 px-3 py-4 md:px-6">
          <MessageList messages={messages} projectId={projectId} loading={history.isPending} hasOlder={hasNextPage} payments={paymentsByMessage}
            focusMessageId={focusMessageId}
            startCampaign={conv?.attribution?.utmCampaign ?? conv?.attribution?.startPayload ?? null}
          />
        </div>
      </div>

      <ReplyBox
        key={conversationId}
        projectId={projectId}
        conversationId={conversationId}
        disabledReason={disabledReason}
        clientName={contact?.name || undefined}
        copilot={!!conv && (conv.stage !== "bot" || !conv.aiEnabled)}
        lastInboundSeq={conv?.lastInboundSeq}
        error={reply.error}
        onSend={(text, file, mediaIds) => {
          followBottom();
          return reply.mutateAsync({ projectId, conversationId, text, file, ...(mediaIds?.length ? { mediaIds } : {}) });
        }}
      />
    </section>
  );
}
