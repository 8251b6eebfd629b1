import { useQuery } from "@tanstack/react-query";
import { Paperclip } from "lucide-react";
import { useState, type KeyboardEvent } from "react";
import { cn, useT, useTRPC } from "@threadline/ui";

const SHOWN = 8;
// The field's text starting with «/» (and no second line) asks for a saved reply.
const QUERY = /^\/([^\n]*)$/;

/** «{имя}» in a saved reply becomes the client's first name, or goes with its comma when unknown. */
export function fillTemplate(text: string, clientName: string | undefined): string {
  const first = clientName?.trim().split(/\s+/)[0];
  return first ? text.replaceAll("{имя}", first) : text.replace(/\{имя\},?\s*/g, "");
}

/** A library file a saved reply carries, attached to the reply box when the reply is picked. */
export type TemplateFile = { id: string; name: string; kind: string };

/**
 * Saved replies in the reply box: typing «/» and a few letters lists the project's templates by
 * title or text; ↑ ↓ choose, Enter or Tab puts the text in the field (and its files in the box),
 * Esc closes the list.
 */
export function useTemplatePicker(input: { projectId: string; text: string; clientName?: string; onPick: (text: string, files: TemplateFile[]) => void }) {
  const trpc = useTRPC();
  const match = QUERY.exec(input.text);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const open = !!match && dismissed !== input.text;
  const templates = useQuery({ ...trpc.templates.list.queryOptions({ projectId: input.projectId }), enabled: !!match, staleTime: 60_000 });
  const query = (match?.[1] ?? "").trim().toLowerCase();
  const found = (templates.data ?? []).filter((t) => !query || t.title.toLowerCase().includes(query) || t.text.toLowerCase().includes(query)).slice(0, SHOWN);
  const current = Math.min(active, Math.max(0, found.length - 1));

  const pick = (i: number) => {
    const chosen = found[i];
    if (!chosen) return;
    setActive(0);
    input.onPick(fillTemplate(chosen.text, input.clientName), chosen.media ?? []);
  };

  /** Handles the key if the list is open; true when the field must not act on it. */
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open || found.length === 0) return false;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      setActive((current + (e.key === "ArrowDown" ? 1 : found.length - 1)) % found.length);
      return true;
    }
    if ((e.key === "Enter" && !e.shiftKey) || e.key === "Tab") {
      e.preventDefault();
      pick(current);
      return true;
    }
    if (e.key === "Escape") {
      e.preventDefault();
      setDismissed(input.text);
      return true;
    }
    return false;
  };

  return { open: open && !!templates.data, found, current, pick, onKeyDown };
}

export function TemplateList({ picker }: { picker: ReturnType<typeof useTemplatePicker> }) {
  const t = useT();
  if (!picker.open) return null;
  return (
    <div role="listbox" aria-label={t("inbox.templates.title")} className="absolute bottom-full left-0 right-0 z-20 mb-1 overflow-hidden rounded-md border border-slate-200 bg-white shadow-lg">
      {picker.found.length === 0 ? (
        <p className="px-3 py-2 text-sm text-slate-500">{t("inbox.templates.none")}</p>
      ) : (
        picker.found.map((tpl, i) => (
          <button
            key={tpl.id}
            type="button"
            role="option"
            aria-selected={i === picker.current}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => picker.pick(i)}
            className={cn("block w-full px-3 py-2 text-left text-sm", i === picker.current ? "bg-sky-50" : "hover:bg-slate-50")}
          >
            <span className="flex items-center gap-2 font-medium text-slate-900">
              {tpl.title}
              {tpl.media?.length ? (
                <span className="inline-flex items-center gap-0.5 text-xs font-normal text-slate-500" data-testid="template-files">
                  <Paperclip className="h-3 w-3" aria-hidden />
                  {t("inbox.templates.files", { count: tpl.media.length })}
                </span>
              ) : null}
            </span>
            <span className="block truncate text-xs text-slate-500">{tpl.text}</span>
          </button>
        ))
      )}
      <p className="border-t border-slate-100 px-3 py-1 text-[11px] text-slate-400">{t("inbox.templates.hint")}</p>
    </div>
  );
}
