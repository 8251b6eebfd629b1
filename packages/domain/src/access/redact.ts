import type { Member } from "./member.ts";

// Server-side field visibility: hidden fields are removed (set to null), not merely not shown.
export type ContactFields = { profileUrl?: string | null; phone?: string | null; firstTouch?: unknown };

export function redactContact<T extends ContactFields>(member: Pick<Member, "hiddenFields">, contact: T): T {
  const out = { ...contact };
  if (member.hiddenFields.has("contact.profileUrl") && "profileUrl" in out) out.profileUrl = null;
  if (member.hiddenFields.has("contact.phone") && "phone" in out) out.phone = null;
  if (member.hiddenFields.has("conversation.attribution") && "firstTouch" in out) out.firstTouch = null;
  return out;
}

export function redactAttribution<T extends { attribution?: unknown }>(member: Pick<Member, "hiddenFields">, row: T): T {
  if (!member.hiddenFields.has("conversation.attribution") || !("attribution" in row)) return row;
  return { ...row, attribution: null };
}
