import { SendHorizontal } from "lucide-react";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { Button, errorMessage, useT } from "@threadline/ui";
import { loadDraft, saveDraft } from "./drafts.ts";
import { isTextField } from "./hooks.ts";

// The server's limit (MAX_REPLY_LENGTH in core), checked here so a long text is not lost to an error.
const MAX_LENGTH = 4096;
const MAX_HEIGHT = 200;

/**
 * The reply box: keeps a draft per conversation, Enter sends, Shift+Enter adds a line. Files and
 * voice join here (an attach button left of the field) once their upload endpoints exist.
 */
export function ReplyBox({
  conversationId,
  disabledReason,
  error,
  onSend,
}: {
  conversationId: string;
  disabledReason?: string;
  error: unknown;
  onSend: (text: string) => Promise<unknown>;
}) {
  const t = useT();
  const [text, setText] = useState(() => loadDraft(conversationId));
  const field = useRef<HTMLTextAreaElement>(null);
  const tooLong = text.trim().length > MAX_LENGTH;

  useEffect(() => saveDraft(conversationId, text), [conversationId, text]);

  useLayoutEffect(() => {
    const el = field.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
  }, [text]);

  // Typing anywhere in the inbox (not in another field) goes into the reply, as in Telegram.
  useEffect(() => {
    if (disabledReason) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.key.length !== 1) return;
      if (isTextField(e.target) || document.querySelector("[role=dialog]")) return;
      field.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [disabledReason]);

  const send = () => {
    const value = text.trim();
    if (!value || disabledReason || tooLong) return;
    setText("");
    // On failure the text comes back, unless the manager has already started a new one.
    onSend(value).catch(() => setText((current) => current || value));
  };

  if (disabledReason) {
    return (
      <div className="shrink-0 border-t border-slate-200 bg-white px-6 py-3">
        <p className="mx-auto max-w-4xl rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-500">{disabledReason}</p>
      </div>
    );
  }

  const problem = tooLong ? t("inbox.replyTooLong", { max: MAX_LENGTH }) : errorMessage(error);
  return (
    <div className="shrink-0 border-t border-slate-200 bg-white px-6 py-3">
      <div className="mx-auto flex max-w-4xl items-end gap-2">
        <textarea
          ref={field}
          data-testid="reply-input"
          rows={1}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              send();
            }
          }}
          placeholder={t("inbox.replyPlaceholder")}
          aria-label={t("inbox.replyPlaceholder")}
          aria-invalid={tooLong || undefined}
          className="min-h-9 flex-1 resize-none rounded-md border border-slate-300 bg-white px-3 py-2 text-sm leading-5 text-slate-900 placeholder:text-slate-400 focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500"
        />
        <Button variant="primary" size="icon" className="h-9 w-9 shrink-0" onClick={send} disabled={!text.trim() || tooLong} title={`${t("inbox.send")} (Enter)`} aria-label={t("inbox.send")}>
          <SendHorizontal className="h-4 w-4" />
        </Button>
      </div>
      {problem ? (
        <p role="alert" className="mx-auto mt-1.5 max-w-4xl text-xs text-red-600">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
