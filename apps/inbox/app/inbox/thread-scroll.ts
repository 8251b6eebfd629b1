import { useCallback, useEffect, useLayoutEffect, useRef } from "react";
import type { Message } from "./types.ts";

// Within this many pixels of the bottom the thread follows new messages.
const STICK_PX = 80;
// Older history starts loading this far before the top is reached.
const PRELOAD_PX = 400;
// How far back the thread pages to find the message a search opened it at.
const FOCUS_MAX_MESSAGES = 2000;

/**
 * The thread's scrolling: it follows new messages while the manager is at the bottom, otherwise
 * keeps the message at the top of the view in place, and loads older history before the top.
 * `scroller` goes on the scrolling element, `content` on the element holding the messages
 * (each marked with data-message-id).
 */
export function useThreadScroll({
  messages,
  loaded,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  focusMessageId = null,
}: {
  messages: readonly Message[];
  loaded: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
  /** A message to show in the middle of the view instead of the newest ones (loaded first if older). */
  focusMessageId?: number | null;
}) {
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

  // The message a search opened the thread at: older pages are loaded until it is there (up to a
  // bound), then it is put in the middle of the view and kept there as history loads around it.
  const focused = useRef(false);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!focusMessageId || focused.current || !el || !loaded) return;
    const node = content.current?.querySelector<HTMLElement>(`[data-message-id="${focusMessageId}"]`);
    if (!node) {
      if (hasNextPage && !isFetchingNextPage && messages.length < FOCUS_MAX_MESSAGES) void fetchNextPage();
      if (!hasNextPage || messages.length >= FOCUS_MAX_MESSAGES) focused.current = true;
      return;
    }
    focused.current = true;
    stick.current = false;
    el.scrollTop = Math.max(0, node.offsetTop - (el.clientHeight - node.offsetHeight) / 2);
    captureAnchor();
  }, [messages, loaded, focusMessageId, hasNextPage, isFetchingNextPage, fetchNextPage]);

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
    if (el && loaded && el.scrollHeight <= el.clientHeight + PRELOAD_PX) loadOlder();
  }, [loaded, messages.length, loadOlder]);

  /** The manager's own reply shows at the bottom, so the thread follows it there. */
  const followBottom = () => {
    stick.current = true;
  };

  return { scroller, content, onScroll, followBottom };
}
