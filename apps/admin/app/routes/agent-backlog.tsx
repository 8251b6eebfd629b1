import { useQuery } from "@tanstack/react-query";
import { Card, useT, useTRPC } from "@threadline/ui";

/** How often the backlog is read again while the page is open. */
const REFRESH_MS = 5000;

/** How far behind the agent is: turns waiting, the oldest one's wait, turns running now. */
export function AgentBacklog({ projectId }: { projectId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const backlog = useQuery({ ...trpc.agent.backlog.queryOptions({ projectId }), refetchInterval: REFRESH_MS });
  const b = backlog.data;
  return (
    <Card className="mt-6 max-w-3xl space-y-2 p-6" data-testid="agent-backlog">
      <h2 className="font-semibold">{t("agent.backlogTitle")}</h2>
      <p className="text-sm text-slate-500">{t("agent.backlogHint")}</p>
      {b ? (
        <dl className="grid grid-cols-3 gap-4 text-sm">
          <div>
            <dt className="text-slate-500">{t("agent.backlogWaiting")}</dt>
            <dd className="text-lg font-semibold">{b.waiting}</dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("agent.backlogOldest")}</dt>
            <dd className="text-lg font-semibold">{b.oldestWaitingMs === null ? "—" : t("agent.backlogSeconds", { seconds: Math.round(b.oldestWaitingMs / 1000) })}</dd>
          </div>
          <div>
            <dt className="text-slate-500">{t("agent.backlogRunning")}</dt>
            <dd className="text-lg font-semibold">{b.active}</dd>
          </div>
        </dl>
      ) : (
        <p className="text-sm text-slate-500">{t("common.loading")}</p>
      )}
    </Card>
  );
}
