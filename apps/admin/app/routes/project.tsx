import { useQuery } from "@tanstack/react-query";
import { NavLink, Outlet, useParams } from "react-router";
import { ChannelHealthBanner, EmptyState, cn, useT, useTRPC } from "@threadline/ui";
import { useConsole } from "../session.ts";

const sections = [
  { to: "orders", label: "shop.ordersNav", permission: "orders.manage" },
  { to: "catalog", label: "shop.catalogNav", permission: "catalog.manage" },
  { to: "staff", label: "admin.staff", permission: "staff.manage" },
  { to: "roles", label: "admin.roles", permission: "staff.manage" },
  { to: "rotation", label: "rotation.title", permission: "staff.manage" },
  { to: "channels", label: "admin.channels", permission: "channels.manage" },
  { to: "import", label: "admin.import", permission: "import.manage" },
  { to: "agent", label: "agent.nav", permission: "agent.manage" },
  { to: "knowledge", label: "knowledge.nav", permission: "project.settings" },
  { to: "sandbox", label: "sandbox.nav", permission: "agent.manage" },
  { to: "templates", label: "templates.title", permission: "project.settings" },
  { to: "media", label: "mediaLibrary.title", permission: "project.settings" },
  { to: "spend", label: "analytics.spend", permission: "analytics.spend" },
  { to: "traffic", label: "analytics.traffic", permission: "analytics.traffic" },
  { to: "performance", label: "performance.title", permission: "staff.manage" },
  { to: "audit", label: "admin.audit", permission: "audit.view" },
  { to: "settings", label: "admin.settings", permission: "project.settings" },
  { to: "payments", label: "paymentsAdmin.nav", permission: "project.settings" },
  { to: "finance", label: "finance.title", permission: "payments.view" },
  { to: "links", label: "links.title", permission: "analytics.traffic" },
] as const;

/** One project's console: the sections this member's role opens, and the page. */
export default function Project() {
  const t = useT();
  const trpc = useTRPC();
  const { me } = useConsole();
  const { projectId = "" } = useParams();
  const access = useQuery(trpc.projects.access.queryOptions({ projectId }, { retry: false }));
  if (access.error) return <EmptyState title={t("common.noAccess")} hint={access.error.message} />;
  if (!access.data) return <p className="p-6 text-sm text-slate-500">{t("common.loading")}</p>;
  const visible = sections.filter((s) => access.data.permissions.includes(s.permission));
  if (visible.length === 0) return <EmptyState title={t("common.noAccess")} hint={t("admin.noConsoleAccess")} />;
  return (
    <div className="flex flex-1">
      <nav className="w-56 shrink-0 border-r border-slate-200 bg-white p-3" aria-label={t("admin.title")}>
        {visible.map((s) => (
          <NavLink
            key={s.to}
            to={s.to}
            className={({ isActive }) =>
              cn("block rounded px-3 py-2 text-sm", isActive ? "bg-slate-100 font-medium text-slate-900" : "text-slate-600 hover:bg-slate-50")
            }
          >
            {t(s.label)}
          </NavLink>
        ))}
      </nav>
      <main className="min-w-0 flex-1 p-6">
        {access.data?.permissions.includes("channels.manage") ? (
          <div className="-mx-6 -mt-6 mb-4">
            <ChannelHealthBanner projectId={projectId} hint="admin" />
          </div>
        ) : null}
        <Outlet context={{ me, projectId, access: access.data }} />
      </main>
    </div>
  );
}
