import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { useParams, useSearchParams } from "react-router";
import { EmptyState, errorMessage, PHONE_QUERY, useMediaQuery, useT, useTRPC } from "@threadline/ui";
import { ContactPanel } from "../inbox/contact-panel.tsx";
import { ConversationList } from "../inbox/conversation-list.tsx";
import { Notifications, useNotifications } from "../inbox/notifications.tsx";
import { ShortcutSheet, useInboxShortcuts } from "../inbox/shortcuts.tsx";
import { Thread } from "../inbox/thread.tsx";
import { useRealtime } from "../realtime.ts";
import { useDesktopAlerts, useTabBadge } from "../inbox/alerts.tsx";
import { useWorkspace } from "./workspace.tsx";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PANEL_KEY = "tl.contactPanel";

/** One project's inbox: conversation list, thread and contact panel (on a phone, one at a time). */
export default function ProjectInbox() {
  const t = useT();
  const { me } = useWorkspace();
  const { projectId } = useParams();
  const project = me.projects.find((p) => p.id === projectId);
  if (!project) return <EmptyState title={t("common.noAccess")} hint={t("inbox.noProjects")} />;
  if (!project.permissions.includes("inbox.use")) {
    // Finance, traffic and tech work in the admin console: the way there, not a dead end.
    const console = project.permissions.some((p) => p !== "inbox.use");
    if (!console) return <EmptyState title={t("common.noAccess")} hint={t("inbox.noInboxAccess")} />;
    return (
      <EmptyState
        title={project.name}
        hint={t("admin.inboxNotForRole")}
        action={
          <a className="mt-2 rounded-md bg-slate-900 px-3 py-2 text-sm font-medium text-white hover:bg-slate-800" href={`${me.consoleUrl}/p/${project.id}`}>
            {t("admin.consoleLink")}
          </a>
        }
      />
    );
  }
  return <Inbox key={project.id} projectId={project.id} myName={me.user.name} />;
}

function Inbox({ projectId, myName }: { projectId: string; myName: string }) {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const requested = params.get("c");
  const selectedId = requested && uuid.test(requested) ? requested : null;
  // The message a search result opens the thread at (?m=…), scrolled to and highlighted.
  const focusParam = params.get("m");
  const focusMessageId = selectedId && focusParam && /^\d{1,18}$/.test(focusParam) ? Number(focusParam) : null;
  const access = useQuery({ ...trpc.projects.access.queryOptions({ projectId }), staleTime: 60_000 });

  const select = useCallback(
    (id: string | null, messageId?: number) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (id) next.set("c", id);
          else next.delete("c");
          if (id && messageId) next.set("m", String(messageId));
          else next.delete("m");
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  const close = useCallback(() => select(null), [select]);
  const phone = useMediaQuery(PHONE_QUERY);

  const notifications = useNotifications();
  const pushNotification = notifications.push;
  const queryClient = useQueryClient();
  // Alerts beyond the open tab: the title and favicon count, desktop notifications while hidden.
  useTabBadge(projectId);
  const desktop = useDesktopAlerts(projectId, select);
  const desktopNotify = desktop.onNotification;
  const onNotification = useCallback(
    (event: { text: string; conversationId?: string | null; notificationId?: string }) => {
      pushNotification(event);
      desktopNotify(event);
      void queryClient.invalidateQueries({ queryKey: trpc.notifications.pathKey() });
    },
    [pushNotification, desktopNotify, queryClient, trpc],
  );
  useRealtime(projectId, onNotification, desktop.onConversationEvent);

  const [panelOpen, setPanelOpen] = useState(() => typeof localStorage === "undefined" || localStorage.getItem(PANEL_KEY) !== "closed");
  // On a phone the contact's panel is a screen over the thread, opened from the thread's header.
  // It belongs to the conversation it was opened for: another conversation opens on its thread.
  const [contactFor, setContactFor] = useState<string | null>(null);
  const contactScreen = selectedId !== null && contactFor === selectedId;
  const togglePanel = useCallback(() => {
    setPanelOpen((open) => {
      localStorage.setItem(PANEL_KEY, open ? "closed" : "open");
      return !open;
    });
  }, []);

  // Esc leaves the open conversation (the search field uses Esc to clear itself first).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented || !selectedId) return;
      if (document.querySelector("[role=dialog]")) return;
      (document.activeElement as HTMLElement | null)?.blur();
      if (phone && contactScreen) setContactFor(null);
      else close();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [selectedId, close, phone, contactScreen]);

  const list = <ConversationList projectId={projectId} selectedId={selectedId} onSelect={select} wonHidden={access.data?.hiddenFields.includes("payments") ?? false} />;
  const thread = selectedId ? (
    <Thread
      key={`thread-${selectedId}-${focusMessageId ?? ""}`}
      projectId={projectId}
      conversationId={selectedId}
      focusMessageId={focusMessageId}
      access={access.data}
      myName={myName}
      panelOpen={phone ? false : panelOpen}
      onTogglePanel={phone ? () => setContactFor(selectedId) : togglePanel}
      onClose={close}
      phone={phone}
    />
  ) : null;
  const contact = (onBack?: () => void) =>
    selectedId ? <ContactPanel key={`panel-${selectedId}`} projectId={projectId} conversationId={selectedId} access={access.data} onBack={onBack} /> : null;
  const shortcuts = useInboxShortcuts({ projectId, conversationId: selectedId, access: access.data });
  const notificationsLayer = (
    <>
      <Notifications items={notifications.items} onOpen={(id) => select(id)} onDismiss={notifications.dismiss} />
      <ShortcutSheet open={shortcuts.sheetOpen} onOpenChange={shortcuts.setSheetOpen} />
      {shortcuts.error ? (
        <p role="alert" className="fixed bottom-4 left-4 z-30 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 shadow">
          {errorMessage(shortcuts.error)}
        </p>
      ) : null}
    </>
  );

  if (phone) {
    return (
      <div data-screen={!selectedId ? "list" : contactScreen ? "contact" : "thread"} className="flex h-full min-h-0">
        {/* The list stays mounted under the thread, so its search, filters and scroll survive going back. */}
        <div className={selectedId ? "hidden" : "flex min-w-0 flex-1"}>{list}</div>
        {contactScreen ? contact(() => setContactFor(null)) : thread}
        {notificationsLayer}
      </div>
    );
  }

  return (
    <div className="flex h-full min-h-0">
      {list}
      {thread ?? <NoConversation />}
      {thread && panelOpen ? contact() : null}
      {notificationsLayer}
    </div>
  );
}

function NoConversation() {
  const t = useT();
  return (
    <section className="flex min-w-0 flex-1 flex-col items-center justify-center bg-slate-50 px-6 text-center">
      <p className="text-sm font-medium text-slate-600">{t("inbox.pickConversation")}</p>
      <p className="mt-1 text-xs text-slate-400">{t("inbox.pickConversationHint")}</p>
    </section>
  );
}
