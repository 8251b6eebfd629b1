import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Bell } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { cn, quoted, useT, useTRPC } from "@threadline/ui";
import { moment } from "./format.ts";

const SHOWN = 30;
// Pushed notifications refresh the bell at once; this only covers a socket that was down.
const REFRESH_MS = 60_000;

/** The member's notifications in this project: a count on the bell, the latest in a drop-down. */
export function NotificationBell({ projectId }: { projectId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  const unread = useQuery({ ...trpc.notifications.unreadCount.queryOptions({ projectId }), refetchInterval: REFRESH_MS });
  const list = useQuery({ ...trpc.notifications.list.queryOptions({ projectId, limit: SHOWN }), enabled: open });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.notifications.pathKey() });
  const markRead = useMutation(trpc.notifications.markRead.mutationOptions({ onSettled: refresh }));

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const count = unread.data ?? 0;
  return (
    <div ref={root} className="relative">
      <button
        type="button"
        aria-label={count > 0 ? t("inbox.bell.unread", { count }) : t("inbox.bell.title")}
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
        className="relative rounded p-1.5 text-slate-600 hover:bg-slate-100"
      >
        <Bell className="h-5 w-5" aria-hidden />
        {count > 0 ? (
          <span data-testid="bell-count" className="absolute -right-0.5 -top-0.5 inline-flex h-4 min-w-4 items-center justify-center rounded-full bg-red-600 px-1 text-[10px] font-semibold leading-none text-white">
            {count > 99 ? "99+" : count}
          </span>
        ) : null}
      </button>
      {open ? (
        <div role="dialog" aria-label={t("inbox.bell.title")} className="absolute right-0 top-full z-40 mt-1 w-80 rounded-md border border-slate-200 bg-white shadow-lg">
          <div className="flex items-center justify-between border-b border-slate-100 px-3 py-2">
            <span className="text-sm font-semibold text-slate-900">{t("inbox.bell.title")}</span>
            {count > 0 ? (
              <button type="button" className="text-xs font-medium text-sky-700 hover:underline" onClick={() => markRead.mutate({ projectId })}>
                {t("inbox.bell.markAllRead")}
              </button>
            ) : null}
          </div>
          <ul className="max-h-96 overflow-y-auto py-1">
            {list.data?.length === 0 ? <li className="px-3 py-6 text-center text-sm text-slate-400">{t("inbox.bell.empty")}</li> : null}
            {list.data?.map((n) => (
              <li key={n.id}>
                <button
                  type="button"
                  className={cn("flex w-full flex-col gap-0.5 px-3 py-2 text-left text-sm hover:bg-slate-50", n.readAt ? "text-slate-500" : "bg-sky-50/60 text-slate-900")}
                  onClick={() => {
                    if (!n.readAt) markRead.mutate({ projectId, ids: n.ids });
                    setOpen(false);
                    if (n.conversationId) navigate(`/p/${projectId}?c=${n.conversationId}`);
                  }}
                >
                  <span className={cn("flex items-baseline gap-1.5", n.readAt ? "" : "font-medium")}>
                    <span className="min-w-0 flex-1">{n.text}</span>
                    {n.repeats > 1 ? (
                      <span className="shrink-0 rounded bg-slate-100 px-1 text-xs text-slate-500" title={t("inbox.bell.repeats", { count: n.repeats })}>
                        ×{n.repeats}
                      </span>
                    ) : null}
                  </span>
                  {n.clientName !== null || n.channelName !== null ? (
                    <span className="text-xs text-slate-600">
                      {t("inbox.bell.about", { client: n.clientName || t("inbox.bell.noName"), channel: `${n.channelKind === "vk" ? "VK" : "Telegram"} ${quoted(n.channelName ?? "")}` })}
                    </span>
                  ) : null}
                  <span className="text-xs text-slate-400">{moment(n.createdAt)}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
