import { useQueries } from "@tanstack/react-query";
import { Outlet, useNavigate, useOutletContext, useParams } from "react-router";
import { ChannelHealthBanner, HelpLink, Loading, PHONE_QUERY, ProjectSwitcher, useMediaQuery, UserMenu, useMe, useTRPC, type Me } from "@threadline/ui";
import { NotificationBell } from "../inbox/notification-bell.tsx";
import { AlertSettingsButton } from "../inbox/alerts.tsx";

export function useWorkspace() {
  return useOutletContext<{ me: Me }>();
}

// Other projects' badges have no live connection: they are refreshed this often.
const BADGE_REFRESH_MS = 30_000;

/** Unread conversations per project the person works in, for the project switcher. */
function useUnreadBadges(projects: Me["projects"]) {
  const trpc = useTRPC();
  const inboxProjects = projects.filter((p) => p.permissions.includes("inbox.use"));
  const counts = useQueries({
    queries: inboxProjects.map((p) => ({ ...trpc.conversations.unreadCount.queryOptions({ projectId: p.id }), refetchInterval: BADGE_REFRESH_MS })),
  });
  const badges = new Map(inboxProjects.map((p, i) => [p.id, counts[i]?.data ?? 0]));
  return projects.map((p) => ({ id: p.id, name: p.name, badge: badges.get(p.id) || undefined }));
}

/** The manager's frame: project switcher and account menu on top, the inbox below. */
export default function Workspace() {
  const me = useMe();
  const navigate = useNavigate();
  const { projectId } = useParams();
  const projects = useUnreadBadges(me.data?.projects ?? []);
  const phone = useMediaQuery(PHONE_QUERY);
  if (!me.data) return <Loading />;
  const current = me.data.projects.find((p) => p.id === projectId);
  return (
    <div data-touch className="flex h-full flex-col">
      <header className="flex h-12 shrink-0 items-center gap-2 border-b border-slate-200 bg-white px-2 md:gap-4 md:px-4">
        <span className="hidden font-semibold text-slate-900 sm:inline">Threadline</span>
        {projects.length > 0 ? <ProjectSwitcher projects={projects} current={projectId} onChange={(id) => navigate(`/p/${id}`)} /> : null}
        <div className="ml-auto flex items-center gap-2">
          {current?.permissions.includes("inbox.use") ? <NotificationBell key={current.id} projectId={current.id} /> : null}
          {current?.permissions.includes("inbox.use") ? <AlertSettingsButton key={`alerts-${current.id}`} projectId={current.id} /> : null}
          <HelpLink page={phone ? "inbox/phone" : "inbox/conversations"} />
          <UserMenu name={me.data.user.name} email={me.data.user.email} />
        </div>
      </header>
      {current?.permissions.includes("inbox.use") ? <ChannelHealthBanner key={`health-${current.id}`} projectId={current.id} hint="inbox" /> : null}
      <div className="min-h-0 flex-1">
        <Outlet context={{ me: me.data }} />
      </div>
    </div>
  );
}
