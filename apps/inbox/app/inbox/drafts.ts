// Unsent replies survive switching conversations and reloads within the tab.
const PREFIX = "tl.draft.";

export function loadDraft(conversationId: string): string {
  try {
    return sessionStorage.getItem(PREFIX + conversationId) ?? "";
  } catch {
    return "";
  }
}

export function saveDraft(conversationId: string, text: string) {
  try {
    if (text) sessionStorage.setItem(PREFIX + conversationId, text);
    else sessionStorage.removeItem(PREFIX + conversationId);
  } catch {
    // Storage full or disabled: the draft simply is not kept.
  }
}
