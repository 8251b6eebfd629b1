// Unsent replies, per conversation, kept in this browser across reloads and shared by its tabs:
// the text in localStorage (whose `storage` event tells the other tabs), the attached file itself
// in IndexedDB (a File is stored whole; localStorage only says that it changed).
const TEXT_PREFIX = "tl.draft.";
const FILE_STAMP_PREFIX = "tl.draftFile.";
/** A draft nobody touched for this long is dropped when it is next read. */
const DRAFT_DAYS = 30;
const DB_NAME = "threadline-drafts";
const STORE = "files";

type StoredText = { text: string; savedAt: number };

function readText(raw: string | null): string {
  if (!raw) return "";
  try {
    const stored = JSON.parse(raw) as StoredText;
    if (typeof stored.text !== "string" || Date.now() - stored.savedAt > DRAFT_DAYS * 86_400_000) return "";
    return stored.text;
  } catch {
    return "";
  }
}

export function loadDraft(conversationId: string): string {
  try {
    const raw = localStorage.getItem(TEXT_PREFIX + conversationId);
    const text = readText(raw);
    if (raw && !text) localStorage.removeItem(TEXT_PREFIX + conversationId);
    return text;
  } catch {
    return "";
  }
}

export function saveDraft(conversationId: string, text: string) {
  try {
    const key = TEXT_PREFIX + conversationId;
    if (!text) {
      localStorage.removeItem(key);
      return;
    }
    // Unchanged text is not written again: a write would echo to the other tabs.
    if (readText(localStorage.getItem(key)) === text) return;
    localStorage.setItem(key, JSON.stringify({ text, savedAt: Date.now() } satisfies StoredText));
  } catch {
    // Storage full or disabled: the draft simply is not kept.
  }
}

/**
 * Calls `onText` when another tab changes this conversation's draft text, and `onFile` when it
 * attaches or removes its file. Returns the unsubscribe.
 */
export function watchDraft(conversationId: string, on: { onText: (text: string) => void; onFile: () => void }): () => void {
  const listener = (e: StorageEvent) => {
    if (e.key === TEXT_PREFIX + conversationId) on.onText(readText(e.newValue));
    else if (e.key === FILE_STAMP_PREFIX + conversationId) on.onFile();
    else if (e.key === null) {
      // localStorage was cleared.
      on.onText(loadDraft(conversationId));
      on.onFile();
    }
  };
  window.addEventListener("storage", listener);
  return () => window.removeEventListener("storage", listener);
}

function openFiles(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("indexedDB"));
  });
}

async function inFiles<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openFiles();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = work(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error("indexedDB"));
    });
  } finally {
    db.close();
  }
}

/** The file attached to this conversation's draft, or null (also when the browser keeps none). */
export async function loadDraftFile(conversationId: string): Promise<File | null> {
  if (typeof indexedDB === "undefined") return null;
  try {
    const stored = await inFiles<{ file: File; savedAt: number } | undefined>("readonly", (s) => s.get(conversationId));
    if (!stored || !(stored.file instanceof Blob)) return null;
    if (Date.now() - stored.savedAt > DRAFT_DAYS * 86_400_000) {
      await saveDraftFile(conversationId, null);
      return null;
    }
    return stored.file;
  } catch {
    return null;
  }
}

/** Keeps (or, with null, forgets) the draft's file and tells the other tabs. */
export async function saveDraftFile(conversationId: string, file: File | null): Promise<void> {
  if (typeof indexedDB === "undefined") return;
  try {
    if (file) {
      await inFiles("readwrite", (s) => s.put({ file, savedAt: Date.now() }, conversationId));
      localStorage.setItem(FILE_STAMP_PREFIX + conversationId, String(Date.now()));
    } else {
      await inFiles("readwrite", (s) => s.delete(conversationId));
      localStorage.removeItem(FILE_STAMP_PREFIX + conversationId);
    }
  } catch {
    // Storage full or disabled: the file stays only in this tab until it is sent.
  }
}
