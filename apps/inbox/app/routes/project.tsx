import { useParams } from "react-router";
import { EmptyState, useT } from "@threadline/ui";
import { useWorkspace } from "./workspace.tsx";

/** One project's inbox. Conversations arrive once a channel is connected. */
export default function ProjectInbox() {
  const t = useT();
  const { me } = useWorkspace();
  const { projectId } = useParams();
  const project = me.projects.find((p) => p.id === projectId);
  if (!project) return <EmptyState title={t("common.noAccess")} hint={t("inbox.noProjects")} />;
  if (!project.permissions.includes("inbox.use")) return <EmptyState title={t("common.noAccess")} hint={t("inbox.noInboxAccess")} />;
  return <EmptyState title={t("inbox.noChannels")} hint={t("inbox.noChannelsHint")} />;
}
