import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { BellRing } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { Button, Dialog, ErrorNote, Switch, errorMessage, useT, useTRPC } from "@threadline/ui";
import type { ConversationEvent } from "@threadline/api/realtime";

// Alerts beyond the open tab: the unread count in the title and the favicon, a desktop
// notification with a sound while the tab is hidden, and the member's alert settings with their
// Telegram link. The browser's permission is asked only from the settings, never on page load.

/** The unread count in the tab's title and as a badge on the favicon. */
export function useTabBadge(projectId: string) {
  const trpc = useTRPC();
  const unread = useQuery(trpc.conversations.unreadCount.queryOptions({ projectId })).data ?? 0;
  const base = useRef<{ title: string; icon: string | null } | null>(null);
  useEffect(() => {
    const link = iconLink();
    base.current ??= { title: document.title.replace(/^\(\d+\+?\) /, ""), icon: link.getAttribute("href") };
    document.title = unread > 0 ? `(${unread > 99 ? "99+" : unread}) ${base.current.title}` : base.current.title;
    if (unread > 0) link.href = badgeIcon(unread);
    else if (base.current.icon) link.href = base.current.icon;
    else link.removeAttribute("href");
  }, [unread]);
  useEffect(
    () => () => {
      if (!base.current) return;
      document.title = base.current.title;
      if (base.current.icon) iconLink().href = base.current.icon;
    },
    [],
  );
}

function iconLink(): HTMLLinkElement {
  let link = document.querySelector<HTMLLinkElement>("link[rel~='icon']");
  if (!link) {
    link = document.createElement("link");
    link.rel = "icon";
    document.head.appendChild(link);
  }
  return link;
}

/** A 32 px icon: the app's square with a red count on it. */
function badgeIcon(count: number): string {
  const canvas = document.createElement("canvas");
  canvas.width = 32;
  canvas.height = 32;
  const g = canvas.getContext("2d");
  if (!g) return "";
  g.fillStyle = "#0284c7";
  g.fillRect(2, 2, 28, 28);
  g.fillStyle = "#dc2626";
  g.beginPath();
  g.arc(22, 10, 10, 0, Math.PI * 2);
  g.fill();
  g.fillStyle = "#fff";
  g.font = "bold 13px sans-serif";
  g.textAlign = "center";
  g.textBaseline = "middle";
  g.fillText(count > 9 ? "9+" : String(count), 22, 11);
  return canvas.toDataURL("image/png");
}

/** A short two-tone chime (Web Audio), so nothing is downloaded. */
function chime() {
  const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctx) return;
  try {
    const ctx = new Ctx();
    [880, 1320].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.15, ctx.currentTime + i * 0.15);
      gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + i * 0.15 + 0.3);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + i * 0.15);
      osc.stop(ctx.currentTime + i * 0.15 + 0.3);
    });
    setTimeout(() => void ctx.close(), 1000);
  } catch {
    // No sound is no reason to miss the notification itself.
  }
}

/**
 * Desktop notifications while the tab is hidden: a lead assigned (the notification event) or a
 * client's new message in one of the member's own conversations. Clicking one opens it.
 */
export function useDesktopAlerts(projectId: string, open: (conversationId: string) => void) {
  const t = useT();
  const trpc = useTRPC();
  const settings = useQuery({ ...trpc.alerts.settings.queryOptions({ projectId }), staleTime: 60_000 }).data;
  const show = useCallback(
    (body: string, conversationId: string | null | undefined, tag: string) => {
      if (!settings || typeof document === "undefined" || document.visibilityState !== "hidden") return;
      if (settings.desktop && typeof Notification !== "undefined" && Notification.permission === "granted") {
        const n = new Notification(t("alerts.notificationTitle"), { body, tag });
        n.onclick = () => {
          window.focus();
          if (conversationId) open(conversationId);
          n.close();
        };
      }
      if (settings.sound) chime();
    },
    [settings, open, t],
  );
  const onNotification = useCallback((event: { text: string; conversationId?: string | null; notificationId?: string }) => show(event.text, event.conversationId, event.notificationId ?? event.text), [show]);
  const onConversationEvent = useCallback(
    (event: ConversationEvent) => {
      if (event.type === "conversation.message" && event.direction === "in" && settings && event.assigneeId === settings.membershipId) {
        show(t("alerts.newMessage"), event.conversationId, `message-${event.conversationId}`);
      }
    },
    [settings, show, t],
  );
  return { onNotification, onConversationEvent };
}

/** «Оповещения»: desktop and sound switches, the browser's permission, the Telegram link. */
export function AlertSettingsButton({ projectId }: { projectId: string }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="ghost" size="sm" aria-label={t("alerts.settings")} onClick={() => setOpen(true)}>
        <BellRing className="h-4 w-4" aria-hidden />
      </Button>
      {open ? <AlertSettingsDialog projectId={projectId} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function AlertSettingsDialog({ projectId, onClose }: { projectId: string; onClose: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const link = useMutation(trpc.alerts.linkTelegram.mutationOptions({ onSettled: () => refresh() }));
  // Fresh when opened; while a link waits to be used, checked every few seconds, so the dialog
  // shows «Telegram привязан» once the member pressed Start.
  const settings = useQuery({
    ...trpc.alerts.settings.queryOptions({ projectId }),
    staleTime: 0,
    refetchOnMount: "always",
    refetchInterval: (q) => (link.data && q.state.data?.telegram_link?.state !== "linked" ? 3000 : false),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.settings.queryKey({ projectId }) });
  const update = useMutation(trpc.alerts.update.mutationOptions({ onSettled: refresh }));
  const unlink = useMutation(trpc.alerts.unlinkTelegram.mutationOptions({ onSettled: refresh }));
  const [permission, setPermission] = useState(() => (typeof Notification === "undefined" ? "unsupported" : Notification.permission));
  const s = settings.data;
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={t("alerts.settings")} description={t("alerts.hint")}>
      {s ? (
        <div className="space-y-4 text-sm">
          <label className="flex items-center justify-between gap-3">
            {t("alerts.desktop")}
            <Switch aria-label={t("alerts.desktop")} checked={s.desktop} onCheckedChange={(v) => update.mutate({ projectId, desktop: v })} />
          </label>
          <label className="flex items-center justify-between gap-3">
            {t("alerts.sound")}
            <Switch aria-label={t("alerts.sound")} checked={s.sound} onCheckedChange={(v) => update.mutate({ projectId, sound: v })} />
          </label>
          <div className="rounded-md bg-slate-50 p-3" data-testid="browser-permission">
            {permission === "granted" ? (
              <p className="text-green-700">{t("alerts.permissionGranted")}</p>
            ) : permission === "denied" ? (
              <p className="text-amber-700">{t("alerts.permissionDenied")}</p>
            ) : permission === "unsupported" ? (
              <p className="text-slate-500">{t("alerts.permissionUnsupported")}</p>
            ) : (
              <Button variant="outline" onClick={() => void Notification.requestPermission().then(setPermission)}>
                {t("alerts.allow")}
              </Button>
            )}
          </div>
          <div className="space-y-2 border-t border-slate-100 pt-3">
            <div className="flex items-center justify-between gap-3">
              <span className="font-medium">{t("alerts.telegram")}</span>
              <Switch aria-label={t("alerts.telegram")} checked={s.telegram} disabled={!s.bot} onCheckedChange={(v) => update.mutate({ projectId, telegram: v })} />
            </div>
            {!s.bot ? (
              <p className="text-slate-500">{t("alerts.noBot")}</p>
            ) : s.telegram_link?.state === "linked" || s.telegram_link?.state === "blocked" ? (
              <div className="flex items-center justify-between gap-2">
                <span data-testid="telegram-linked">
                  {s.telegram_link.state === "blocked" ? t("alerts.blocked") : t("alerts.linked", { username: s.telegram_link.username ? `@${s.telegram_link.username}` : "" })}
                </span>
                <Button size="sm" variant="outline" onClick={() => unlink.mutate({ projectId })}>
                  {t("alerts.unlink")}
                </Button>
              </div>
            ) : (
              <div className="space-y-2">
                <Button variant="outline" onClick={() => link.mutate({ projectId })} disabled={link.isPending}>
                  {t("alerts.link")}
                </Button>
                {link.data ? (
                  <div className="space-y-1">
                    <a className="font-medium text-sky-700 underline" href={link.data.url} target="_blank" rel="noreferrer" data-testid="telegram-link">
                      {t("alerts.openTelegram", { bot: `@${s.bot.username}` })}
                    </a>
                    <p className="text-xs text-slate-500">{t("alerts.linkHint")}</p>
                  </div>
                ) : null}
              </div>
            )}
          </div>
          <ErrorNote>{errorMessage(update.error ?? link.error ?? unlink.error)}</ErrorNote>
          <div className="flex justify-end">
            <Button onClick={onClose}>{t("alerts.done")}</Button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
