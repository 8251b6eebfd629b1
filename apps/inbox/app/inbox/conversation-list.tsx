import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Search, X } from "lucide-react";
import { memo, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Button, cn, Select, TagChip, useT, useTRPC } from "@threadline/ui";
import { AiMark, Avatar, ChannelMark, InactiveMark, IntentBadge, StageBadge, UnreadBadge } from "./bits.tsx";
import { listTime } from "./format.ts";
import { intents, useListFilters } from "./list-filters.ts";
import { isTextField, useDebounced, useMinuteTick } from "./hooks.ts";
import type { ChannelKind, ConversationRow, Intent, ListFilter, Stage } from "./types.ts";

const ROW_HEIGHT = 76;
const PAGE_SIZE = 50;
const filters: ListFilter[] = ["all", "mine", "unassigned", "unread", "awaiting", "archived"];
/** Stages the list can be narrowed to, in the order a lead moves. */
const stageFilters: Stage[] = ["new", "bot", "needs_human", "assigned", "won", "lost", "low_quality", "spam"];
/** What the client wants, as the list can be narrowed to it. */
const intentFilters: readonly Intent[] = intents;

type SeenChannel = { id: string; name: string; kind: ChannelKind };

/** The left pane: search, filters and the virtualised, cursor-paged conversation list. */
export function ConversationList({
  projectId,
  selectedId,
  onSelect,
  wonHidden = false,
}: {
  projectId: string;
  selectedId: string | null;
  onSelect: (id: string, messageId?: number) => void;
  /** The role does not see sales: «Продажа» is not offered as a filter. */
  wonHidden?: boolean;
}) {
  const t = useT();
  const trpc = useTRPC();
  const [searchInput, setSearchInput] = useState("");
  const search = useDebounced(searchInput.trim(), 300);
  const { filter, channelId, stage, intent, tagId, setFilter, setChannelId, setStage, setIntent, setTagId } = useListFilters(wonHidden);
  const projectTags = useQuery({ ...trpc.tags.list.queryOptions({ projectId }), staleTime: 30_000 });
  const now = useMinuteTick();

  const query = useInfiniteQuery(
    trpc.conversations.list.infiniteQueryOptions(
      { projectId, filter, channelId: channelId || undefined, stage: stage || undefined, intent: intent || undefined, tagId: tagId || undefined, search: search || undefined, limit: PAGE_SIZE },
      { getNextPageParam: (last) => last.nextCursor, placeholderData: keepPreviousData },
    ),
  );
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  // A mistyped word was searched as the project's own word most like it (decision 063).
  const corrected = search ? (query.data?.pages[0]?.correctedSearch ?? null) : null;

  // A conversation that moved up between two page loads could show twice; keep its newest place.
  // Under «Непрочитанные» and «Ждут ответа» the open conversation stays in its place once read or answered, until the manager
  // moves on, instead of vanishing under the cursor.
  const openRow = useRef<{ row: ConversationRow; index: number } | null>(null);
  const items = useMemo(() => {
    const seen = new Set<string>();
    const out: ConversationRow[] = [];
    for (const page of query.data?.pages ?? []) {
      for (const row of page.items) {
        if (seen.has(row.id)) continue;
        seen.add(row.id);
        out.push(row);
      }
    }
    const kept = openRow.current;
    if ((filter === "unread" || filter === "awaiting") && kept && kept.row.id === selectedId && !seen.has(kept.row.id)) {
      out.splice(Math.min(kept.index, out.length), 0, { ...kept.row, unread: 0 });
    }
    return out;
  }, [query.data, filter, selectedId]);
  useEffect(() => {
    const index = items.findIndex((row) => row.id === selectedId);
    openRow.current = index >= 0 ? { row: items[index]!, index } : null;
  }, [items, selectedId]);

  // The channel filter offers every channel seen so far, so picking one does not hide the others.
  const [channels, setChannels] = useState<SeenChannel[]>([]);
  useEffect(() => {
    const fresh = new Map<string, SeenChannel>();
    for (const row of items) {
      if (!channels.some((c) => c.id === row.channelId) && !fresh.has(row.channelId)) fresh.set(row.channelId, { id: row.channelId, name: row.channelName, kind: row.channelKind });
    }
    if (fresh.size) setChannels((prev) => [...prev, ...fresh.values()].sort((a, b) => a.name.localeCompare(b.name)));
  }, [items, channels]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length + (hasNextPage ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (index) => items[index]?.id ?? "more",
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems[virtualItems.length - 1]?.index ?? -1;
  useEffect(() => {
    if (lastIndex >= items.length - 10 && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [lastIndex, items.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  // ↑ / ↓ move through the list while the focus is not in a text field. The selection is kept in
  // a ref too, so that quick repeated presses each move one row before the URL has caught up.
  const current = useRef(selectedId);
  useEffect(() => {
    current.current = selectedId;
  }, [selectedId]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
      if (isTextField(e.target) || items.length === 0) return;
      e.preventDefault();
      const at = items.findIndex((c) => c.id === current.current);
      const next = at < 0 ? 0 : e.key === "ArrowDown" ? Math.min(at + 1, items.length - 1) : Math.max(at - 1, 0);
      const row = items[next];
      if (!row || row.id === current.current) return;
      current.current = row.id;
      onSelect(row.id);
      virtualizer.scrollToIndex(next, { align: "auto" });
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [items, onSelect, virtualizer]);

  // A new search or filter starts from the top.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [filter, channelId, stage, intent, tagId, search]);

  const showChannelFilter = channels.length > 1 || channelId !== "";

  return (
    <aside data-testid="conversation-list" className="flex w-full shrink-0 flex-col border-slate-200 bg-white md:w-[340px] md:border-r">
      <div className="space-y-2 border-b border-slate-200 px-3 pb-2 pt-3">
        <div className="relative">
          <Search className="pointer-events-none absolute left-2.5 top-1/2 h-4 w-4 -translate-y-1/2 text-slate-400" aria-hidden />
          <input
            type="search"
            data-inbox-search
            value={searchInput}
            onChange={(e) => setSearchInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                e.stopPropagation();
                e.preventDefault();
                if (searchInput) setSearchInput("");
                else e.currentTarget.blur();
              }
            }}
            placeholder={t("inbox.searchPlaceholder")}
            aria-label={t("inbox.searchPlaceholder")}
            className="h-8 w-full rounded-md border border-slate-200 bg-slate-50 pl-8 pr-8 text-base text-slate-900 md:text-sm placeholder:text-slate-400 focus:border-sky-500 focus:bg-white focus:outline-none focus:ring-1 focus:ring-sky-500 [&::-webkit-search-cancel-button]:hidden"
          />
          {searchInput ? (
            <button
              type="button"
              onClick={() => setSearchInput("")}
              title={t("inbox.clearSearch")}
              aria-label={t("inbox.clearSearch")}
              className="absolute right-1.5 top-1/2 -translate-y-1/2 rounded p-0.5 text-slate-400 hover:bg-slate-200 hover:text-slate-600"
            >
              <X className="h-3.5 w-3.5" />
            </button>
          ) : null}
        </div>
        <div role="tablist" aria-label={t("inbox.filters")} className="flex flex-wrap gap-0.5">
          {filters.map((f) => (
            <button
              key={f}
              type="button"
              role="tab"
              aria-selected={filter === f}
              onClick={() => setFilter(f)}
              className={cn(
                "whitespace-nowrap rounded px-2 py-1 text-xs font-medium transition-colors",
                filter === f ? "bg-slate-900 text-white" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900",
              )}
            >
              {t(`inbox.filter.${f}`)}
            </button>
          ))}
        </div>
        <div className="flex gap-2">
          {showChannelFilter ? (
            <Select aria-label={t("inbox.channelFilter")} value={channelId} onChange={(e) => setChannelId(e.target.value)} className="h-8 min-w-0 flex-1 border-slate-200 text-xs">
              <option value="">{t("inbox.allChannels")}</option>
              {channels.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.kind === "vk" ? "VK" : "TG"} · {c.name}
                </option>
              ))}
            </Select>
          ) : null}
          <Select aria-label={t("inbox.stageFilter")} value={stage} onChange={(e) => setStage(e.target.value as Stage | "")} className="h-8 min-w-0 flex-1 border-slate-200 text-xs">
            <option value="">{t("inbox.allStages")}</option>
            {stageFilters
              .filter((s) => !(wonHidden && s === "won"))
              .map((s) => (
                <option key={s} value={s}>
                  {t(`inbox.stage.${s}`)}
                </option>
              ))}
          </Select>
          <Select aria-label={t("inbox.intentFilter")} value={intent} onChange={(e) => setIntent(e.target.value as Intent | "")} className="h-8 min-w-0 flex-1 border-slate-200 text-xs">
            <option value="">{t("inbox.allIntents")}</option>
            {intentFilters.map((i) => (
              <option key={i} value={i}>
                {t(`inbox.intent.${i}`)}
              </option>
            ))}
          </Select>
          {projectTags.data?.length || tagId ? (
            <Select aria-label={t("inbox.tagFilter")} value={tagId} onChange={(e) => setTagId(e.target.value)} className="h-8 min-w-0 flex-1 border-slate-200 text-xs">
              <option value="">{t("inbox.allTags")}</option>
              {projectTags.data?.map((tag) => (
                <option key={tag.id} value={tag.id}>
                  {tag.name}
                </option>
              ))}
            </Select>
          ) : null}
        </div>
      </div>

      {corrected ? (
        <p data-testid="search-corrected" role="status" className="border-b border-amber-100 bg-amber-50 px-4 py-1.5 text-xs text-slate-700">
          {t("inbox.searchCorrected", { query: corrected })}
        </p>
      ) : null}
      <div ref={scrollRef} className={cn("min-h-0 flex-1 overflow-y-auto", query.isPlaceholderData && "opacity-60")}>
        {query.isPending ? (
          <p className="p-4 text-sm text-slate-400">{t("common.loading")}</p>
        ) : query.isError && items.length === 0 ? (
          <div className="space-y-2 p-4 text-sm text-slate-600">
            <p>{t("inbox.loadError")}</p>
            <Button size="sm" variant="outline" onClick={() => void query.refetch()}>
              {t("inbox.retry")}
            </Button>
          </div>
        ) : items.length === 0 ? (
          <ListEmpty search={search} filter={filter} channelFiltered={channelId !== ""} stageFiltered={stage !== ""} intentFiltered={intent !== ""} tagFiltered={tagId !== ""} />
        ) : (
          <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
            {virtualItems.map((v) => {
              const row = items[v.index];
              return (
                <div key={v.key} className="absolute left-0 top-0 w-full" style={{ height: v.size, transform: `translateY(${v.start}px)` }}>
                  {row ? (
                    <Row row={row} selected={row.id === selectedId} onSelect={onSelect} now={now} search={search} />
                  ) : (
                    <p className="px-4 py-3 text-xs text-slate-400">{t("inbox.loadingMore")}</p>
                  )}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </aside>
  );
}

function ListEmpty({ search, filter, channelFiltered, stageFiltered, intentFiltered, tagFiltered }: { search: string; filter: ListFilter; channelFiltered: boolean; stageFiltered: boolean; intentFiltered: boolean; tagFiltered: boolean }) {
  const t = useT();
  let title: string;
  let hint: string | undefined;
  if (search) {
    title = t("inbox.nothingFound");
    hint = t("inbox.nothingFoundHint");
  } else if (filter === "mine") title = t("inbox.emptyMine");
  else if (filter === "unassigned") title = t("inbox.emptyUnassigned");
  else if (filter === "unread") title = t("inbox.emptyUnread");
  else if (filter === "awaiting") title = t("inbox.emptyAwaiting");
  else if (filter === "archived") title = t("inbox.emptyArchived");
  else if (tagFiltered) title = t("inbox.emptyTag");
  else if (stageFiltered) title = t("inbox.emptyStage");
  else if (intentFiltered) title = t("inbox.emptyIntent");
  else if (channelFiltered) title = t("inbox.emptyChannel");
  else {
    title = t("inbox.noChannels");
    hint = t("inbox.noChannelsHint");
  }
  return (
    <div className="px-6 py-12 text-center">
      <p className="text-sm font-medium text-slate-700">{title}</p>
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}

/** Who wrote the last message: «Вы:», a colleague's first name, «ИИ:», or nothing for the client. */
function previewPrefix(row: ConversationRow, t: ReturnType<typeof useT>): string {
  switch (row.lastBy) {
    case "me":
      return t("inbox.you");
    case "colleague":
      return t("inbox.byColleague", { name: row.lastAuthorName!.split(/\s+/)[0]! });
    case "agent":
      return t("inbox.byAgent");
    case "team":
      return t("inbox.byTeam");
    default:
      return "";
  }
}

/** `text` with the parts in `marks` ([start, end) offsets) highlighted. */
export function Marked({ text, marks }: { text: string; marks: readonly (readonly [number, number])[] }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [start, end] of marks) {
    if (start < at) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(
      <mark key={start} className="rounded-sm bg-amber-200 px-px text-inherit">
        {text.slice(start, end)}
      </mark>,
    );
    at = end;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

/** Where the query stands in a name (any case), for the highlight: none when it does not. */
export function nameMarks(name: string, search: string): [number, number][] {
  const at = search ? name.toLowerCase().indexOf(search.toLowerCase()) : -1;
  return at < 0 ? [] : [[at, at + search.length]];
}

const Row = memo(function Row({ row, selected, onSelect, now, search }: { row: ConversationRow; selected: boolean; onSelect: (id: string, messageId?: number) => void; now: number; search: string }) {
  const t = useT();
  const unread = row.unread > 0;
  const inactive = !row.contact.active;
  const name = row.contact.name || (row.contact.username ? `@${row.contact.username}` : t("inbox.noName"));
  const preview = previewPrefix(row, t) + (row.preview ?? "");
  // A search result shows the message it was found in, the found words marked, and opens the
  // thread at that message.
  const match = "match" in row ? row.match : null;
  return (
    <button
      type="button"
      data-testid="conversation-row"
      data-conversation-id={row.id}
      data-unread={unread ? "true" : "false"}
      aria-current={selected ? "true" : undefined}
      onClick={() => (match ? onSelect(row.id, match.messageId) : onSelect(row.id))}
      className={cn(
        "flex h-full w-full items-start gap-3 border-l-2 px-3 py-2.5 text-left transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-sky-500",
        selected ? "border-sky-600 bg-sky-50" : "border-transparent hover:bg-slate-50",
      )}
    >
      <span className="relative">
        <Avatar id={row.contact.id} name={name} muted={inactive} />
        <ChannelMark kind={row.channelKind} className="absolute -bottom-1 -right-1.5 ring-2 ring-white" />
      </span>
      <span className="min-w-0 flex-1">
        <span className="flex items-baseline gap-2">
          <span className={cn("min-w-0 flex-1 truncate text-sm", unread ? "font-semibold text-slate-900" : "font-medium text-slate-800", inactive && "text-slate-400")}>
            <Marked text={name} marks={nameMarks(name, search)} />
          </span>
          <span className={cn("shrink-0 text-xs tabular-nums", unread ? "font-medium text-sky-700" : "text-slate-400")}>{listTime(row.lastMessageAt, new Date(now))}</span>
        </span>
        <span className="mt-0.5 flex items-center gap-2">
          {match ? (
            <span data-testid="search-match" className="min-w-0 flex-1 truncate text-[13px] text-slate-600" title={t("inbox.searchMatch")}>
              <Marked text={match.text} marks={match.marks} />
            </span>
          ) : (
            <span className={cn("min-w-0 flex-1 truncate text-[13px]", unread ? "font-medium text-slate-800" : "text-slate-500", inactive && "text-slate-400")}>{preview}</span>
          )}
          <UnreadBadge count={row.unread} />
        </span>
        <span className="mt-1 flex items-center gap-1.5 overflow-hidden">
          <StageBadge stage={row.stage} />
          <IntentBadge intent={row.intent} />
          {row.aiEnabled && row.stage === "bot" ? <AiMark /> : null}
          {inactive ? <InactiveMark /> : null}
          {row.tags.slice(0, 2).map((tag) => (
            <TagChip key={tag.id} name={tag.name} color={tag.color} className="max-w-[96px] shrink-0" />
          ))}
          {row.assigneeName ? <span className="min-w-0 truncate text-[11px] text-slate-400">{row.assigneeName}</span> : null}
        </span>
      </span>
    </button>
  );
});
