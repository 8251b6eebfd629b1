// Unsent replies, per conversation, kept in this browser across reloads and shared by its tabs:
// the text in localStorage (whose `storage` event tells the other tabs), the attached file itself
// in IndexedDB (a File is stored whole; localStorage only says that it changed), and the library
// files a picked saved reply brought (ids and names) in localStorage beside the text.
const TEXT_PREFIX = "tl.draft.";
const FILE_STAMP_PREFIX = "tl.draftFile.";
const LIBRARY_PREFIX = "tl.draftLibrary.";
/** A draft nobody touched for this long is dropped when it is next read. */
const DRAFT_DAYS = 30;
const DB_NAME = "threadline-drafts";
const STORE = "files";

/** A library file kept with a draft: enough to send it (id) and to show it (name, kind). */
export type DraftLibraryFile = { id: string; name: string; kind: string };

/** One part of a draft kept in localStorage as JSON with the time it was saved. */
type Part<T> = { prefix: string; empty: T; read: (stored: Record<string, unknown>) => T | undefined; same: (a: T, b: T) => boolean; isEmpty: (value: T) => boolean };

const textPart: Part<string> = {
  prefix: TEXT_PREFIX,
  empty: "",
  read: (stored) => (typeof stored.text === "string" ? stored.text : undefined),
  same: (a, b) => a === b,
  isEmpty: (text) => !text,
};

const isLibraryFile = (f: unknown): f is DraftLibraryFile =>
  !!f && typeof f === "object" && ["id", "name", "kind"].every((k) => typeof (f as Record<string, unknown>)[k] === "string");

const libraryPart: Part<DraftLibraryFile[]> = {
  prefix: LIBRARY_PREFIX,
  empty: [],
  read: (stored) => (Array.isArray(stored.files) && stored.files.every(isLibraryFile) ? stored.files : undefined),
  same: (a, b) => a.length === b.length && a.every((f, i) => f.id === b[i]!.id && f.name === b[i]!.name),
  isEmpty: (files) => files.length === 0,
};

function readPart<T>(part: Part<T>, raw: string | null): T {
  if (!raw) return part.empty;
  try {
    const stored = JSON.parse(raw) as Record<string, unknown>;
    const value = part.read(stored);
    if (value === undefined || typeof stored.savedAt !== "number" || Date.now() - stored.savedAt > DRAFT_DAYS * 86_400_000) return part.empty;
    return value;
  } catch {
    return part.empty;
  }
}

function loadPart<T>(part: Part<T>, conversationId: string): T {
  try {
    const raw = localStorage.getItem(part.prefix + conversationId);
    const value = readPart(part, raw);
    if (raw && part.isEmpty(value)) localStorage.removeItem(part.prefix + conversationId);
    return value;
  } catch {
    return part.empty;
  }
}

function savePart<T>(part: Part<T>, conversationId: string, value: T, field: string) {
  try {
    const key = part.prefix + conversationId;
    if (part.isEmpty(value)) {
      localStorage.removeItem(key);
      return;
    }
    // An unchanged value is not written again: a write would echo to the other tabs.
    if (part.same(readPart(part, localStorage.getItem(key)), value)) return;
    localStorage.setItem(key, JSON.stringify({ [field]: value, savedAt: Date.now() }));
  } catch {
    // Storage full or disabled: the draft simply is not kept.
  }
}

export const loadDraft = (conversationId: string): string => loadPart(textPart, conversationId);
export const saveDraft = (conversationId: string, text: string) => savePart(textPart, conversationId, text, "text");

/** The library files of a saved reply picked into this conversation's draft. */
export const loadDraftLibrary = (conversationId: string): DraftLibraryFile[] => loadPart(libraryPart, conversationId);
export const saveDraftLibrary = (conversationId: string, files: DraftLibraryFile[]) =>
  savePart(libraryPart, conversationId, files.map(({ id, name, kind }) => ({ id, name, kind })), "files");

type DraftWatchers = { onText?: (text: string) => void; onFile?: () => void; onLibrary?: (files: DraftLibraryFile[]) => void };

/**
 * Calls `onText` when another tab changes this conversation's draft text, `onFile` when it
 * attaches or removes its file, `onLibrary` when its saved reply's files change. Returns the unsubscribe.
 */
export function watchDraft(conversationId: string, on: DraftWatchers): () => void {
  const listener = (e: StorageEvent) => {
    if (e.key === TEXT_PREFIX + conversationId) on.onText?.(readPart(textPart, e.newValue));
    else if (e.key === LIBRARY_PREFIX + conversationId) on.onLibrary?.(readPart(libraryPart, e.newValue));
    else if (e.key === FILE_STAMP_PREFIX + conversationId) on.onFile?.();
    else if (e.key === null) {
      // localStorage was cleared.
      on.onText?.(loadDraft(conversationId));
      on.onLibrary?.(loadDraftLibrary(conversationId));
      on.onFile?.();
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
