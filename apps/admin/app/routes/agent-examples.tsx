import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button, Card, ConfirmDialog, EmptyState, ErrorNote, errorMessage, useT, useTRPC } from "@threadline/ui";

/** Won conversations kept as examples for the agent; each can be removed after confirming. */
export function AgentExamples({ projectId }: { projectId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const examples = useQuery(trpc.agent.examples.queryOptions({ projectId }));
  const [removing, setRemoving] = useState<{ id: string; name: string } | null>(null);
  const remove = useMutation(
    trpc.agent.removeExample.mutationOptions({
      onSuccess: () => setRemoving(null),
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.agent.examples.queryKey({ projectId }) }),
    }),
  );
  return (
    <Card className="mt-6 max-w-3xl p-6">
      <h2 className="font-semibold">{t("agent.examples")}</h2>
      <p className="mb-4 text-sm text-slate-500">{t("agent.examplesHint")}</p>
      {examples.data && examples.data.length === 0 ? (
        <EmptyState title={t("agent.noExamples")} />
      ) : (
        <ul className="divide-y divide-slate-100">
          {examples.data?.map((e) => (
            <li key={e.id} className="py-3">
              <div className="flex items-start justify-between gap-3">
                <details className="min-w-0 flex-1">
                  <summary className="cursor-pointer select-none text-sm">
                    <span className="font-medium">{e.contactName || "—"}</span>
                    <span className="ml-2 text-slate-500">
                      {new Date(e.createdAt).toLocaleDateString()} · {t("agent.exampleMessages", { count: e.messageCount })}
                      {e.addedByName ? ` · ${t("agent.exampleAdded", { name: e.addedByName })}` : ""}
                    </span>
                  </summary>
                  <pre className="mt-2 whitespace-pre-wrap rounded bg-slate-50 p-3 text-xs text-slate-700">{e.text}</pre>
                </details>
                <Button type="button" variant="outline" size="sm" onClick={() => setRemoving({ id: e.id, name: e.contactName })}>
                  {t("agent.remove")}
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <ErrorNote>{errorMessage(remove.error)}</ErrorNote>
      <ConfirmDialog
        open={!!removing}
        onOpenChange={(o) => !o && setRemoving(null)}
        title={t("agent.removeExampleTitle")}
        description={t("agent.removeExampleText", { name: removing?.name ?? "" })}
        confirmLabel={t("agent.remove")}
        cancelLabel={t("common.cancel")}
        pending={remove.isPending}
        onConfirm={() => removing && remove.mutate({ projectId, exampleId: removing.id })}
      />
    </Card>
  );
}
