import { useCallback } from "react";
import { useSearchParams } from "react-router";
import type { Intent, ListFilter, Stage } from "./types.ts";

const listFilters: readonly ListFilter[] = ["all", "mine", "unassigned", "unread", "awaiting", "archived"];
const stages: readonly Stage[] = ["new", "bot", "assigned", "needs_human", "low_quality", "spam", "won", "lost"];
export const intents: readonly Intent[] = ["purchase", "question", "support", "complaint", "spam"];
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The list's filters live in the address (?filter=&channel=&stage=&intent=&tag=), so a reload, a shared
 * link or the back button keeps them; anything unknown in the address is read as "no filter".
 */
export function useListFilters(wonHidden: boolean) {
  const [params, setParams] = useSearchParams();
  const filterParam = params.get("filter") as ListFilter | null;
  const stageParam = params.get("stage") as Stage | null;
  const channelParam = params.get("channel") ?? "";
  const intentParam = params.get("intent") as Intent | null;
  const tagParam = params.get("tag") ?? "";
  const set = useCallback(
    (key: string, value: string) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (value) next.set(key, value);
          else next.delete(key);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  return {
    filter: filterParam && listFilters.includes(filterParam) ? filterParam : ("all" as ListFilter),
    stage: stageParam && stages.includes(stageParam) && !(wonHidden && stageParam === "won") ? stageParam : ("" as Stage | ""),
    intent: intentParam && intents.includes(intentParam) ? intentParam : ("" as Intent | ""),
    channelId: uuid.test(channelParam) ? channelParam : "",
    tagId: uuid.test(tagParam) ? tagParam : "",
    setFilter: (f: ListFilter) => set("filter", f === "all" ? "" : f),
    setStage: (s: Stage | "") => set("stage", s),
    setIntent: (i: Intent | "") => set("intent", i),
    setChannelId: (id: string) => set("channel", id),
    setTagId: (id: string) => set("tag", id),
  };
}
