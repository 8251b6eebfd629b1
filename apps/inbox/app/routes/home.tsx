import { Navigate } from "react-router";
import { EmptyState, useT } from "@threadline/ui";
import { useWorkspace } from "./workspace.tsx";

export default function Home() {
  const t = useT();
  const { me } = useWorkspace();
  const first = me.projects.find((p) => p.permissions.includes("inbox.use")) ?? me.projects[0];
  if (first) return <Navigate to={`/p/${first.id}`} replace />;
  return <EmptyState title={t("inbox.chooseProject")} hint={t("inbox.noProjects")} />;
}
