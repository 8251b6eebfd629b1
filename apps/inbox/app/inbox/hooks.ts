import { TRPCClientError } from "@trpc/client";
import { useEffect, useState } from "react";

export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** Re-renders once a minute so «14:05» becomes «вчера» after midnight without a reload. */
export function useMinuteTick(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** True while this tab is visible and focused: only then is a conversation read. */
export function useWindowFocused(): boolean {
  const [focused, setFocused] = useState(() => typeof document !== "undefined" && document.hasFocus() && document.visibilityState === "visible");
  useEffect(() => {
    const update = () => setFocused(document.hasFocus() && document.visibilityState === "visible");
    window.addEventListener("focus", update);
    window.addEventListener("blur", update);
    document.addEventListener("visibilitychange", update);
    return () => {
      window.removeEventListener("focus", update);
      window.removeEventListener("blur", update);
      document.removeEventListener("visibilitychange", update);
    };
  }, []);
  return focused;
}

const textInputTypes = new Set(["text", "search", "email", "tel", "url", "password", "number", "date", "time"]);

/** Keys typed into a field belong to the field, not to the list's shortcuts. */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && textInputTypes.has(target.type);
}

const final = new Set(["NOT_FOUND", "FORBIDDEN", "UNAUTHORIZED", "BAD_REQUEST"]);

/** Retry network trouble, not answers that will not change (a conversation that is gone). */
export function retryTransient(count: number, error: unknown): boolean {
  if (error instanceof TRPCClientError && final.has(String(error.data?.code))) return false;
  return count < 2;
}
