import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Button, ErrorNote, formError, useT, useTRPC } from "@threadline/ui";
import type { Message } from "./types.ts";

/**
 * «Изменить» / «Удалить» under a member's own sent message. The platform carries the change out
 * in the background; the thread shows it when the realtime event comes back. A refusal (past the
 * window, another's message) is said here and nothing changes.
 */
export function MessageActions({ message, projectId }: { message: Message; projectId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const [mode, setMode] = useState<"idle" | "edit" | "delete">("idle");
  const [text, setText] = useState(message.text);
  const edit = useMutation(trpc.conversations.editMessage.mutationOptions({ onSuccess: () => setMode("idle") }));
  const remove = useMutation(trpc.conversations.deleteMessage.mutationOptions({ onSuccess: () => setMode("idle") }));
  const error = edit.error ?? remove.error;
  const busy = edit.isPending || remove.isPending;
  const reset = () => {
    edit.reset();
    remove.reset();
  };

  return (
    <div data-testid="message-actions" className="mt-0.5 flex max-w-[min(75%,36rem)] flex-col items-end gap-1 text-xs">
      {mode === "idle" ? (
        <div className="flex gap-2 text-slate-500">
          <button type="button" className="rounded px-1 py-0.5 hover:text-sky-700 hover:underline" onClick={() => { reset(); setText(message.text); setMode("edit"); }}>
            {t("inbox.messageActions.edit")}
          </button>
          <button type="button" className="rounded px-1 py-0.5 hover:text-red-700 hover:underline" onClick={() => { reset(); setMode("delete"); }}>
            {t("inbox.messageActions.delete")}
          </button>
        </div>
      ) : null}
      {mode === "edit" ? (
        <form
          className="flex w-72 max-w-full flex-col gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            edit.mutate({ projectId, messageId: message.id, text });
          }}
        >
          <textarea
            aria-label={t("inbox.messageActions.editLabel")}
            className="min-h-16 w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900"
            value={text}
            maxLength={4096}
            onChange={(e) => setText(e.target.value)}
          />
          <div className="flex justify-end gap-2">
            <Button type="submit" size="sm" variant="primary" disabled={busy}>
              {t("inbox.messageActions.save")}
            </Button>
            <Button type="button" size="sm" variant="outline" onClick={() => setMode("idle")} disabled={busy}>
              {t("inbox.messageActions.cancel")}
            </Button>
          </div>
        </form>
      ) : null}
      {mode === "delete" ? (
        <div className="flex flex-wrap items-center justify-end gap-2">
          <span className="text-slate-700">{t("inbox.messageActions.confirmDelete")}</span>
          <Button type="button" size="sm" variant="primary" disabled={busy} onClick={() => remove.mutate({ projectId, messageId: message.id })}>
            {t("inbox.messageActions.delete")}
          </Button>
          <Button type="button" size="sm" variant="outline" onClick={() => setMode("idle")} disabled={busy}>
            {t("inbox.messageActions.cancel")}
          </Button>
        </div>
      ) : null}
      {error ? <ErrorNote>{formError(error, [])}</ErrorNote> : null}
    </div>
  );
}
