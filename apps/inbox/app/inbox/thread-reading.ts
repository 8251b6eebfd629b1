import { useMutation, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useTRPC } from "@threadline/ui";
import { useWindowFocused } from "./hooks.ts";
import type { ConversationRow } from "./types.ts";

type ListPage = { items: ConversationRow[]; nextCursor: unknown };

/**
 * Marks the conversation read once its history is shown in a focused tab, and again whenever a
 * newer client message arrives while it is; the list row loses its bold at once.
 */
export function useMarkReadWhenVisible({ projectId, conversationId, loaded, newestInbound }: { projectId: string; conversationId: string; loaded: boolean; newestInbound: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const c = trpc.conversations;
  const focused = useWindowFocused();
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
    if (!loaded || !focused) return;
    if (markedUpTo.current !== null && newestInbound <= markedUpTo.current) return;
    markedUpTo.current = newestInbound;
    markRead({ projectId, conversationId });
  }, [loaded, focused, newestInbound, projectId, conversationId, markRead]);
}

/** «Отметить непрочитанным»: once saved, the list and the counter are fetched again and the thread closes. */
export function useMarkUnread(projectId: string, onDone: () => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const c = trpc.conversations;
  return useMutation(
    c.markUnread.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries(c.list.infiniteQueryFilter({ projectId }));
        void queryClient.invalidateQueries(c.unreadCount.queryFilter({ projectId }));
        onDone();
      },
    }),
  );
}

/** «В архив» / «Вернуть из архива»: the list and the unread counts follow (decision 067). */
export function useSetArchived(projectId: string, conversationId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const c = trpc.conversations;
  return useMutation(
    c.setArchived.mutationOptions({
      onSettled: () => {
        void queryClient.invalidateQueries(c.get.queryFilter({ projectId, conversationId }));
        void queryClient.invalidateQueries(c.list.infiniteQueryFilter({ projectId }));
        void queryClient.invalidateQueries(c.unreadCount.queryFilter({ projectId }));
      },
    }),
  );
}
