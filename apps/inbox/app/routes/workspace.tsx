import { useEffect } from "react";
import { Outlet, useNavigate, useOutletContext, useParams } from "react-router";
import { Loading, ProjectSwitcher, UserMenu, useMe, type Me } from "@threadline/ui";

export function useWorkspace() {
  return useOutletContext<{ me: Me }>();
}

/** The manager's frame: project switcher and account menu on top, the inbox below. */
export default function Workspace() {
  const me = useMe();
  const navigate = useNavigate();
  const { projectId } = useParams();
  useEffect(() => {
    if (me.data === null) navigate(`/login?next=${encodeURIComponent(window.location.pathname)}`, { replace: true });
  }, [me.data, navigate]);
  if (!me.data) return <Loading />;
  return (
    <div className="flex h-full flex-col">
      <header className="flex h-12 shrink-0 items-center gap-4 border-b border-slate-200 bg-white px-4">
        <span className="font-semibold text-slate-900">Threadline</span>
        {me.data.projects.length > 0 ? (
          <ProjectSwitcher projects={me.data.projects} current={projectId} onChange={(id) => navigate(`/p/${id}`)} />
        ) : null}
        <div className="ml-auto">
          <UserMenu name={me.data.user.name} email={me.data.user.email} />
        </div>
      </header>
      <div className="min-h-0 flex-1">
        <Outlet context={{ me: me.data }} />
      </div>
    </div>
  );
}
