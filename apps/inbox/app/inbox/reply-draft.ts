import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { loadDraft, saveDraft } from "./drafts.ts";
import { isTextField } from "./hooks.ts";

const MAX_HEIGHT = 200;

/** The reply's text, kept as a draft per conversation until it is sent. */
export function useReplyDraft(conversationId: string) {
  const [text, setText] = useState(() => loadDraft(conversationId));
  useEffect(() => saveDraft(conversationId, text), [conversationId, text]);
  return [text, setText] as const;
}

/**
 * The reply field's ref: the field grows with its text, up to a limit after which it scrolls, and
 * while `typeToReply` holds, typing anywhere in the inbox (not in another field) goes into it, as in Telegram.
 */
export function useReplyField(text: string, typeToReply: boolean) {
  const field = useRef<HTMLTextAreaElement>(null);

  useLayoutEffect(() => {
    const el = field.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
  }, [text]);

  useEffect(() => {
    if (!typeToReply) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.key.length !== 1) return;
      if (isTextField(e.target) || document.querySelector("[role=dialog]")) return;
      field.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [typeToReply]);

  return field;
}
