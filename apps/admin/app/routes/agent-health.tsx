import { useQuery } from "@tanstack/react-query";
import { i18next, useT, useTRPC } from "@threadline/ui";

/** How often the health is read again while the page is open. */
const REFRESH_MS = 15_000;

/**
 * The model's health as the agent met it: when it last answered, or its last failure and that
 * the agent answers by its rules meanwhile. Shown under the key once one is saved.
 */
export function AgentModelHealth({ projectId }: { projectId: string }) {
  const t = useT();
  const trpc = useTRPC();
  // Read afresh whenever the page opens: the owner comes back here after trying the agent.
  const health = useQuery({ ...trpc.agent.health.queryOptions({ projectId }), staleTime: 0, refetchInterval: REFRESH_MS });
  const h = health.data;
  if (!h) return null;
  const time = (iso: string) => new Date(iso).toLocaleString(i18next.language);
  if (h.state === "unknown") return <p className="text-sm text-slate-500" data-testid="agent-health">{t("agent.healthUnknown")}</p>;
  if (h.state === "ok") {
    return (
      <p className="text-sm text-emerald-700" data-testid="agent-health">
        {t("agent.healthOk", { time: time(h.lastOkAt!) })}
      </p>
    );
  }
  const error = h.lastError!;
  return (
    <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="agent-health">
      <p className="font-medium">{t("agent.healthFailing", { time: time(error.at), reason: t(`agent.healthReason.${error.kind}`) })}</p>
      <p className="mt-1">{t("agent.healthFallback")}</p>
    </div>
  );
}
