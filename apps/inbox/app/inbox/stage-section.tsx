import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Button, cn, errorMessage, Select, useT, useTRPC } from "@threadline/ui";
import { StageBadge, stageName } from "./bits.tsx";
import { moment } from "./format.ts";
import type { Stage } from "./types.ts";

/** Stages a member sets by hand, in the order a deal moves. */
const manualStages = ["assigned", "needs_human", "bot", "won", "lost", "low_quality", "spam"] as const satisfies readonly Stage[];
type ManualStage = (typeof manualStages)[number];

// Why the agent or the system moved a lead (the codes of packages/ai's transitions and the lead pipeline).
const knownReasons = new Set([
  "took_over",
  "agent",
  "agent_off",
  "rotation",
  "phone_known",
  "phone_captured",
  "phone_refused",
  "invalid_phone_attempts",
  "handoff_topic",
  "human_requested",
  "support_request",
  "question_needs_person",
  "silence_timeout",
  "spam",
  "order_placed",
  "order_confirmed",
]);

const SHOWN_EVENTS = 4;

/**
 * The lead's stage, with the two outcomes a manager records most (sale, refusal) one click away,
 * and the stage history: what changed, who or what changed it, when and why.
 */
export function StageSection({ projectId, conversationId, stage, canChange }: { projectId: string; conversationId: string; stage: Stage | null; canChange: boolean }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const selectId = useId();
  const [showAll, setShowAll] = useState(false);

  const events = useQuery(trpc.leads.events.queryOptions({ projectId, conversationId }));
  const setStage = useMutation(
    trpc.leads.setStage.mutationOptions({
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.conversations.get.queryFilter({ projectId, conversationId }));
        void queryClient.invalidateQueries(trpc.conversations.list.infiniteQueryFilter({ projectId }));
        void queryClient.invalidateQueries(trpc.leads.events.queryFilter({ projectId, conversationId }));
      },
    }),
  );
  const change = (to: ManualStage) => setStage.mutate({ projectId, conversationId, stage: to });

  const history = [...(events.data ?? [])].reverse();
  const shown = showAll ? history : history.slice(0, SHOWN_EVENTS);

  return (
    <section className="space-y-3 border-b border-slate-100 px-5 py-4">
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={canChange ? selectId : undefined} className="text-xs font-medium text-slate-500">
          {t("inbox.contact.stage")}
        </label>
        {canChange ? null : <StageBadge stage={stage} />}
      </div>
      {canChange ? (
        <>
          <Select id={selectId} data-stage-select className="h-8 text-sm" value={stage ?? ""} disabled={setStage.isPending} onChange={(e) => change(e.target.value as ManualStage)}>
            {stage === "new" ? <option value="new">{t("inbox.stage.new")}</option> : null}
            {manualStages.map((s) => (
              <option key={s} value={s}>
                {t(`inbox.stage.${s}`)}
              </option>
            ))}
          </Select>
          <div className="flex gap-2">
            <Button size="sm" variant="outline" className="flex-1 border-emerald-200 text-emerald-700 hover:bg-emerald-50" disabled={stage === "won" || setStage.isPending} onClick={() => change("won")}>
              {t("inbox.leadStage.markWon")}
            </Button>
            <Button size="sm" variant="outline" className="flex-1" disabled={stage === "lost" || setStage.isPending} onClick={() => change("lost")}>
              {t("inbox.leadStage.markLost")}
            </Button>
          </div>
          {stage === "won" ? <p className="text-xs text-slate-400">{t("inbox.leadStage.wonHint")}</p> : null}
          {setStage.error ? <p className="text-xs text-red-600">{errorMessage(setStage.error)}</p> : null}
        </>
      ) : null}
      {history.length > 0 ? (
        <div>
          <h3 className="mb-1.5 text-xs font-medium text-slate-500">{t("inbox.leadStage.history")}</h3>
          <ol data-testid="stage-history" className="space-y-1.5">
            {shown.map((e) => (
              <li key={e.id} className="text-xs leading-snug text-slate-600">
                <span className="text-slate-400">{e.fromStage ? `${stageName(t, e.fromStage)} → ` : ""}</span>
                <span className="font-medium text-slate-800">{stageName(t, e.toStage)}</span>
                <span className="block text-slate-400">
                  {[actorLabel(t, e.actorKind, e.actorName), reasonLabel(t, e.actorKind, e.reason), moment(e.createdAt)].filter(Boolean).join(" · ")}
                </span>
              </li>
            ))}
          </ol>
          {history.length > SHOWN_EVENTS ? (
            <button type="button" className={cn("mt-1 text-xs font-medium text-sky-700 hover:underline")} onClick={() => setShowAll((v) => !v)}>
              {showAll ? t("inbox.leadStage.showLess") : t("inbox.leadStage.showAll", { count: history.length })}
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

type T = ReturnType<typeof useT>;

function actorLabel(t: T, kind: string, name: string | null): string {
  if (kind === "member") return name ?? t("inbox.leadStage.formerMember");
  return kind === "agent" ? t("inbox.agent") : t("inbox.system");
}

/** A known code in words; a member's own note as written; nothing for an unknown code. */
function reasonLabel(t: T, kind: string, reason: string | null): string | null {
  if (!reason || reason === "manual") return null;
  if (knownReasons.has(reason)) return t(`inbox.leadStage.reason.${reason}`);
  return kind === "member" ? reason : null;
}
