import { Bell, X } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { useT } from "@threadline/ui";

type Item = { key: number; text: string; conversationId?: string | null };

const SHOW_MS = 8_000;
const MAX_SHOWN = 3;

/** Notifications addressed to this member (assignment, a client waiting for a person). */
export function useNotifications() {
  const [items, setItems] = useState<Item[]>([]);
  const next = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((key: number) => {
    clearTimeout(timers.current.get(key));
    timers.current.delete(key);
    setItems((list) => list.filter((i) => i.key !== key));
  }, []);

  const push = useCallback(
    (event: { text: string; conversationId?: string | null }) => {
      const key = next.current++;
      setItems((list) => [...list, { key, text: event.text, conversationId: event.conversationId }].slice(-MAX_SHOWN));
      timers.current.set(
        key,
        setTimeout(() => dismiss(key), SHOW_MS),
      );
    },
    [dismiss],
  );

  useEffect(() => {
    const all = timers.current;
    return () => all.forEach((timer) => clearTimeout(timer));
  }, []);

  return { items, push, dismiss };
}

export function Notifications({ items, onOpen, onDismiss }: { items: Item[]; onOpen: (conversationId: string) => void; onDismiss: (key: number) => void }) {
  const t = useT();
  if (items.length === 0) return null;
  return (
    <div role="status" aria-live="polite" className="pointer-events-none fixed bottom-20 right-4 z-30 flex w-80 flex-col gap-2">
      {items.map((item) => (
        <div key={item.key} className="pointer-events-auto flex items-start gap-2 rounded-lg border border-slate-200 bg-white p-3 text-sm shadow-lg">
          <Bell className="mt-0.5 h-4 w-4 shrink-0 text-slate-400" aria-hidden />
          <div className="min-w-0 flex-1">
            <p className="text-slate-800">{item.text}</p>
            {item.conversationId ? (
              <button
                type="button"
                className="mt-1 text-xs font-medium text-sky-700 hover:underline"
                onClick={() => {
                  onOpen(item.conversationId!);
                  onDismiss(item.key);
                }}
              >
                {t("inbox.open")}
              </button>
            ) : null}
          </div>
          <button type="button" onClick={() => onDismiss(item.key)} aria-label={t("inbox.dismiss")} className="rounded p-0.5 text-slate-400 hover:bg-slate-100 hover:text-slate-600">
            <X className="h-3.5 w-3.5" />
          </button>
        </div>
      ))}
    </div>
  );
}
