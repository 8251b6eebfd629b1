import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { loadDraft, loadDraftFile, loadDraftLibrary, saveDraft, saveDraftFile, saveDraftLibrary, watchDraft } from "./drafts.ts";
import { isTextField } from "./hooks.ts";

const MAX_HEIGHT = 200;

/** The reply's text, kept as a draft per conversation until it is sent, and the same in every tab. */
export function useReplyDraft(conversationId: string) {
  const [text, setText] = useState(() => loadDraft(conversationId));
  useEffect(() => saveDraft(conversationId, text), [conversationId, text]);
  useEffect(() => watchDraft(conversationId, { onText: setText }), [conversationId]);
  return [text, setText] as const;
}

/** A picked saved reply's library files, kept with the draft like its text (reloads, other tabs). */
export function useDraftLibrary(conversationId: string) {
  const [files, setFiles] = useState(() => loadDraftLibrary(conversationId));
  useEffect(() => saveDraftLibrary(conversationId, files), [conversationId, files]);
  useEffect(() => watchDraft(conversationId, { onLibrary: setFiles }), [conversationId]);
  return [files, setFiles] as const;
}

/**
 * The file attached to the reply, kept with the draft: it comes back after a reload, and a file
 * attached or removed in another tab shows here too. Nothing is written until the stored file has
 * been read, and what was just read is not written back (no echo between tabs).
 */
export function useDraftFile(conversationId: string, file: File | null, setFile: (file: File | null) => void) {
  const known = useRef<File | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const load = () =>
      void loadDraftFile(conversationId).then((stored) => {
        if (!live) return;
        known.current = stored;
        setFile(stored);
      });
    load();
    const stop = watchDraft(conversationId, { onFile: load });
    return () => {
      live = false;
      stop();
    };
  }, [conversationId, setFile]);
  useEffect(() => {
    if (known.current === undefined || file === known.current) return;
    known.current = file;
    void saveDraftFile(conversationId, file);
  }, [conversationId, file]);
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
