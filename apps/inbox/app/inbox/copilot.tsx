import { hashKey, useQuery, type QueryKey } from "@tanstack/react-query";
import { Loader2, RefreshCw, Sparkles } from "lucide-react";
import { Button, displayPhone, errorMessage, useT, useTRPC } from "@threadline/ui";

// The copilot's suggestion and summary are asked for once per client message: the conversation's
// newest client message (lastInboundSeq) is part of the query's key, so a new one is a new
// question, and a re-render, the AI switch going off and on, or «Обновить» pressed again is not.
// Each call is counted and may cost a model call.
const ONCE = { staleTime: Infinity, gcTime: 10 * 60_000, refetchOnWindowFocus: false, refetchOnReconnect: false, retry: false } as const;

/**
 * A copilot query's options cached per newest client message (the message is hashed into the
 * cache key; the tRPC key itself stays as tRPC reads it), and not asked before that is known.
 */
function perClientMessage<O extends object>(options: O, lastInboundSeq: number | null | undefined, enabled = true) {
  return { ...options, queryKeyHashFn: (key: QueryKey) => hashKey([key, lastInboundSeq ?? null]), enabled: enabled && lastInboundSeq !== undefined };
}

export type Copilot = { text: string | null; panel: React.ReactNode };

/** The suggested reply over the reply box, after the handoff. `text` is what Tab or «Вставить» inserts. */
export function useCopilot({ projectId, conversationId, enabled, lastInboundSeq, onInsert }: { projectId: string; conversationId: string; enabled: boolean; lastInboundSeq?: number | null; onInsert: (text: string) => void }): Copilot {
  const t = useT();
  const trpc = useTRPC();
  const query = useQuery(perClientMessage(trpc.copilot.suggest.queryOptions({ projectId, conversationId }, ONCE), lastInboundSeq, enabled));
  if (!enabled) return { text: null, panel: null };
  const s = query.data;
  const text = s?.text.trim() ? s.text : null;
  const busy = query.isFetching;
  const problem = query.isError ? errorMessage(query.error) : null;
  const labels = s ? [...new Set(s.sources.map((src) => (src.kind === "passage" || src.kind === "saved_reply" || src.kind === "faq" ? `${t(`copilot.source.${src.kind}`)} «${src.title}»` : t(`copilot.source.${src.kind}`))))] : [];
  const panel = (
    <div data-testid="copilot" className="mx-auto mb-2 max-w-4xl rounded-md border border-violet-200 bg-violet-50 px-3 py-2 text-sm">
      <div className="flex items-center gap-2">
        <Sparkles className="h-4 w-4 shrink-0 text-violet-600" aria-hidden />
        <span className="font-medium text-violet-900">{t("copilot.title")}</span>
        <span className="min-w-0 flex-1" />
        <Button variant="ghost" size="sm" className="h-7 px-2" onClick={() => void query.refetch()} disabled={busy} title={t("copilot.refresh")} aria-label={t("copilot.refresh")}>
          {busy ? <Loader2 className="h-3.5 w-3.5 animate-spin" /> : <RefreshCw className="h-3.5 w-3.5" />}
        </Button>
        <Button variant="outline" size="sm" className="h-7 px-2.5" onClick={() => text && onInsert(text)} disabled={!text} title={t("copilot.insertTitle")}>
          {t("copilot.insert")} <kbd className="ml-1 hidden rounded border border-slate-300 px-1 text-[10px] text-slate-500 md:inline">Tab</kbd>
        </Button>
      </div>
      {problem ? (
        <p className="mt-1 text-xs text-red-600">{problem}</p>
      ) : !s ? (
        <p className="mt-1 text-xs text-slate-500">{t("copilot.loading")}</p>
      ) : text ? (
        <>
          <p data-testid="copilot-text" className="mt-1 line-clamp-4 whitespace-pre-wrap break-words text-slate-800">{text}</p>
          {labels.length ? <p className="mt-1 truncate text-xs text-slate-500">{t("copilot.basedOn")} {labels.join(", ")}</p> : null}
        </>
      ) : (
        <p className="mt-1 text-xs text-slate-500">{t("copilot.none")}</p>
      )}
    </div>
  );
  return { text, panel };
}

/** The conversation's summary in the contact panel. */
export function CopilotSummary({ projectId, conversationId, lastInboundSeq }: { projectId: string; conversationId: string; lastInboundSeq?: number | null }) {
  const t = useT();
  const trpc = useTRPC();
  const query = useQuery(perClientMessage(trpc.copilot.summary.queryOptions({ projectId, conversationId }, ONCE), lastInboundSeq));
  const s = query.data;
  const rows: [string, string][] = s
    ? ([
        [t("copilot.wants"), s.wants],
        [t("copilot.budget"), s.budget],
        [t("copilot.date"), s.date],
        [t("copilot.objections"), s.objections.join("; ") || null],
        [t("copilot.phone"), s.phone ? displayPhone(s.phone) : null],
        [t("copilot.name"), s.name],
        [t("copilot.email"), s.email],
      ].filter((r): r is [string, string] => !!r[1]))
    : [];
  return (
    <section data-testid="copilot-summary" className="border-b border-slate-100 px-5 py-4 text-sm">
      <div className="mb-2 flex items-center gap-2">
        <Sparkles className="h-4 w-4 text-violet-600" aria-hidden />
        <h3 className="flex-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{t("copilot.summary")}</h3>
        <Button variant="ghost" size="sm" className="h-7 px-2" onClick={() => void query.refetch()} disabled={query.isFetching} title={t("copilot.summaryRefresh")} aria-label={t("copilot.summaryRefresh")}>
          {query.isFetching ? <Loader2 className="h-3.5 w-3.5 animate-spin" /> : <RefreshCw className="h-3.5 w-3.5" />}
        </Button>
      </div>
      {query.isError ? (
        <p className="text-xs text-red-600">{errorMessage(query.error)}</p>
      ) : !s ? null : rows.length ? (
        <dl className="space-y-2">
          {rows.map(([label, value]) => (
            <div key={label} className="grid grid-cols-[110px_1fr] items-baseline gap-2">
              <dt className="text-xs text-slate-500">{label}</dt>
              <dd className="min-w-0 break-words text-slate-900">{value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="text-xs text-slate-500">{t("copilot.summaryEmpty")}</p>
      )}
    </section>
  );
}
