import { Navigate, useSearchParams } from "react-router";
import { EmptyState, useT } from "@threadline/ui";
import { useWorkspace } from "./workspace.tsx";

export default function Home() {
  const t = useT();
  const { me } = useWorkspace();
  const [params] = useSearchParams();
  // Sent here when removed from the open project: say so; other projects stay in the switcher.
  if (params.get("closed")) return <EmptyState title={t("auth.accessEnded")} hint={t("auth.accessEndedHint")} />;
  const first = me.projects.find((p) => p.permissions.includes("inbox.use")) ?? me.projects[0];
  if (first) return <Navigate to={`/p/${first.id}`} replace />;
  return <EmptyState title={t("inbox.chooseProject")} hint={t("inbox.noProjects")} />;
}
