import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { useParams, useSearchParams } from "react-router";
import { EmptyState, useT, useTRPC } from "@threadline/ui";
import { ContactPanel } from "../inbox/contact-panel.tsx";
import { ConversationList } from "../inbox/conversation-list.tsx";
import { Notifications, useNotifications } from "../inbox/notifications.tsx";
import { Thread } from "../inbox/thread.tsx";
import { useRealtime } from "../realtime.ts";
import { useWorkspace } from "./workspace.tsx";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PANEL_KEY = "tl.contactPanel";

/** One project's inbox: conversation list, thread and contact panel. */
export default function ProjectInbox() {
  const t = useT();
  const { me } = useWorkspace();
  const { projectId } = useParams();
  const project = me.projects.find((p) => p.id === projectId);
  if (!project) return <EmptyState title={t("common.noAccess")} hint={t("inbox.noProjects")} />;
  if (!project.permissions.includes("inbox.use")) return <EmptyState title={t("common.noAccess")} hint={t("inbox.noInboxAccess")} />;
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

  const notifications = useNotifications();
  const pushNotification = notifications.push;
  const queryClient = useQueryClient();
  const onNotification = useCallback(
    (event: { text: string; conversationId?: string | null }) => {
      pushNotification(event);
      void queryClient.invalidateQueries({ queryKey: trpc.notifications.pathKey() });
    },
    [pushNotification, queryClient, trpc],
  );
  useRealtime(projectId, onNotification);

  const [panelOpen, setPanelOpen] = useState(() => typeof localStorage === "undefined" || localStorage.getItem(PANEL_KEY) !== "closed");
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
      close();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [selectedId, close]);

  return (
    <div className="flex h-full min-h-0">
      <ConversationList projectId={projectId} selectedId={selectedId} onSelect={select} />
      {selectedId ? (
        <>
          <Thread
            key={`thread-${selectedId}-${focusMessageId ?? ""}`}
            projectId={projectId}
            conversationId={selectedId}
            focusMessageId={focusMessageId}
            access={access.data}
            myName={myName}
            panelOpen={panelOpen}
            onTogglePanel={togglePanel}
            onClose={close}
          />
          {panelOpen ? <ContactPanel key={`panel-${selectedId}`} projectId={projectId} conversationId={selectedId} access={access.data} /> : null}
        </>
      ) : (
        <NoConversation />
      )}
      <Notifications items={notifications.items} onOpen={(id) => select(id)} onDismiss={notifications.dismiss} />
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
