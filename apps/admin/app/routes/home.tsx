import { Link, Navigate } from "react-router";
import { Button, EmptyState, useT } from "@threadline/ui";
import { useConsole } from "../session.ts";

export default function Home() {
  const t = useT();
  const { me } = useConsole();
  const first = me.projects[0];
  if (first) return <Navigate to={`/p/${first.id}`} replace />;
  return (
    <EmptyState
      title={t("admin.projects")}
      hint={t("admin.noProjects")}
      action={
        <Button asChild variant="primary">
          <Link to="/projects/new">{t("admin.newProject")}</Link>
        </Button>
      }
    />
  );
}
