import { NavLink, Outlet, useLocation, useNavigate, useParams } from "react-router";
import { HelpLink, Loading, ProjectSwitcher, UserMenu, useMe, useT } from "@threadline/ui";
import { helpPageOf } from "../help-pages.ts";


/** The signed-in frame: project switcher and account menu on top, the page below. */
export default function Console() {
  const t = useT();
  const me = useMe();
  const navigate = useNavigate();
  const { projectId } = useParams();
  const { pathname } = useLocation();
  if (!me.data) return <Loading />;
  return (
    <div className="flex min-h-full flex-col">
      <header className="flex h-12 items-center gap-4 border-b border-slate-200 bg-white px-4">
        <NavLink to="/" className="font-semibold text-slate-900">
          Threadline <span className="font-normal text-slate-500">· {t("admin.title")}</span>
        </NavLink>
        {me.data.projects.length > 0 ? (
          <ProjectSwitcher projects={me.data.projects} current={projectId} onChange={(id) => navigate(`/p/${id}`)} />
        ) : null}
        <div className="ml-auto flex items-center gap-3">
          <a className="text-sm text-slate-500 hover:text-slate-800" href="/projects/new">
            {t("admin.newProject")}
          </a>
          <HelpLink page={helpPageOf(pathname)} />
          <UserMenu name={me.data.user.name} email={me.data.user.email} />
        </div>
      </header>
      <Outlet context={{ me: me.data }} />
    </div>
  );
}
