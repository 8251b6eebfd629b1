import { useInfiniteQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTRPC } from "@threadline/ui";
import { retryTransient } from "./hooks.ts";
import type { Message } from "./types.ts";

const PAGE_SIZE = 50;

export type MessagesPage = { items: Message[]; nextCursor: { sentAt: Date; id: number } | null };

/** Pages are newest first; the thread reads oldest to newest. */
export function oldestFirst(pages: readonly { items: readonly Message[] }[]): Message[] {
  const out: Message[] = [];
  for (let p = pages.length - 1; p >= 0; p--) {
    const items = pages[p]!.items;
    for (let i = items.length - 1; i >= 0; i--) out.push(items[i]!);
  }
  return out;
}

/** The id of the client's latest message in the thread, 0 while there is none. */
export function newestInboundId(messages: readonly Message[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.direction === "in") return messages[i]!.id;
  return 0;
}

/** A conversation's history, paged upwards from the newest message, in reading order. */
export function useThreadMessages(projectId: string, conversationId: string) {
  const trpc = useTRPC();
  const options = trpc.conversations.messages.infiniteQueryOptions(
    { projectId, conversationId, limit: PAGE_SIZE },
    { getNextPageParam: (last) => last.nextCursor, retry: retryTransient },
  );
  const history = useInfiniteQuery(options);
  const messages = useMemo(() => oldestFirst(history.data?.pages ?? []), [history.data]);
  return { history, messages, queryKey: options.queryKey };
}
