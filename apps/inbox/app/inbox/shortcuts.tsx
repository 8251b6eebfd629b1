import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Dialog, useT, useTRPC } from "@threadline/ui";
import { isTextField } from "./hooks.ts";
import { can, type Access } from "./types.ts";

/** The search field the `/` key focuses (the conversation list marks it). */
export const SEARCH_FIELD = "[data-inbox-search]";

/** What a key does, as the sheet lists it: keys in order, and the i18n key of what they do. */
const sheet: { keys: string[]; what: string }[] = [
  { keys: ["?"], what: "shortcuts.sheet" },
  { keys: ["/"], what: "shortcuts.search" },
  { keys: ["↑", "↓"], what: "shortcuts.move" },
  { keys: ["Esc"], what: "shortcuts.close" },
  { keys: ["Enter"], what: "shortcuts.send" },
  { keys: ["Shift", "Enter"], what: "shortcuts.newLine" },
  { keys: ["Tab"], what: "shortcuts.insertSuggestion" },
  { keys: ["Alt", "A"], what: "shortcuts.assignMe" },
  { keys: ["Alt", "S"], what: "shortcuts.stage" },
  { keys: ["Alt", "W"], what: "shortcuts.won" },
  { keys: ["Alt", "L"], what: "shortcuts.lost" },
];

export type ShortcutAction = "sheet" | "search" | "assignMe" | "stage" | "won" | "lost";

/**
 * Which inbox shortcut a key press is, or null. Letters are read by their physical key (`code`), so
 * they work in the Russian layout too; `/` and `?` by the character or by the key that types them
 * in the US layout. Plain keys count only outside text fields (there they are typing); Alt
 * shortcuts count everywhere, the reply field included.
 */
export function shortcutOf(e: Pick<KeyboardEvent, "key" | "code" | "altKey" | "ctrlKey" | "metaKey" | "shiftKey" | "target">): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey) return null;
  if (e.altKey) {
    const byCode: Record<string, ShortcutAction> = { KeyA: "assignMe", KeyS: "stage", KeyW: "won", KeyL: "lost" };
    return byCode[e.code] ?? null;
  }
  if (isTextField(e.target)) return null;
  if (e.key === "?" || (e.code === "Slash" && e.shiftKey)) return "sheet";
  if (e.key === "/" || (e.code === "Slash" && !e.shiftKey)) return "search";
  return null;
}

/**
 * The inbox's keyboard: `?` opens the sheet, `/` focuses the search, and with a conversation open
 * Alt+A assigns it to oneself, Alt+S focuses its stage, Alt+W and Alt+L record a sale or a refusal.
 * Listens before the type-to-reply handler (capture), so these keys never land in the reply field.
 */
export function useInboxShortcuts({ projectId, conversationId, access }: { projectId: string; conversationId: string | null; access: (Access & { memberId?: string }) | undefined }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [sheetOpen, setSheetOpen] = useState(false);
  const refresh = () => {
    if (!conversationId) return;
    void queryClient.invalidateQueries(trpc.conversations.get.queryFilter({ projectId, conversationId }));
    void queryClient.invalidateQueries(trpc.conversations.list.infiniteQueryFilter({ projectId }));
    void queryClient.invalidateQueries(trpc.leads.events.queryFilter({ projectId, conversationId }));
  };
  const assign = useMutation(trpc.conversations.assign.mutationOptions({ onSettled: refresh }));
  const setStage = useMutation(trpc.leads.setStage.mutationOptions({ onSettled: refresh }));
  const { mutate: assignMutate } = assign;
  const { mutate: stageMutate } = setStage;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const action = shortcutOf(e);
      if (!action) return;
      if (document.querySelector("[role=dialog]") && action !== "sheet") return;
      const canAssign = can(access, "conversations.assign");
      if (action === "sheet") setSheetOpen((open) => !open);
      else if (action === "search") document.querySelector<HTMLInputElement>(SEARCH_FIELD)?.focus();
      else if (!conversationId || !canAssign) return;
      else if (action === "assignMe" && access?.memberId) assignMutate({ projectId, conversationId, assigneeId: access.memberId });
      else if (action === "stage") document.querySelector<HTMLSelectElement>("[data-stage-select]")?.focus();
      else if (action === "won" || action === "lost") stageMutate({ projectId, conversationId, stage: action });
      else return;
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [projectId, conversationId, access, assignMutate, stageMutate]);

  const error = assign.error ?? setStage.error;
  return { sheetOpen, setSheetOpen, error };
}

/** The sheet of shortcuts, opened with `?`. */
export function ShortcutSheet({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const t = useT();
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={t("shortcuts.title")} description={t("shortcuts.hint")}>
      <dl data-testid="shortcut-sheet" className="grid grid-cols-[auto_1fr] items-center gap-x-4 gap-y-2 text-sm">
        {sheet.map((row) => (
          <div key={row.what} className="contents">
            <dt className="flex gap-1 justify-self-end">
              {row.keys.map((key) => (
                <kbd key={key} className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-xs text-slate-700">
                  {key}
                </kbd>
              ))}
            </dt>
            <dd className="text-slate-700">{t(row.what)}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
