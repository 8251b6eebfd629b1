import type { LeadStage } from "@threadline/db";
import type { Member } from "./member.ts";

// Server-side field visibility, the one serializer every response goes through: a field the role
// may not see is removed (set to null), and so is what can be derived from it. A phone hidden
// from the role is masked inside any text too (a shared contact card is stored as «📞 number»,
// the agent repeats the number it confirms); the username and the platform chat id rebuild the
// profile link; the «Продажа» stage is the only payment mark there is.
export type Viewer = Pick<Member, "hiddenFields">;

// Digits with the separators people put between them; "+" only at the start.
const DIGIT_RUN = /\+?\d(?:[\s().\-–—/]{0,3}\d)+/g;
// A date or a time is not a phone: 15.01.2024, 2024-01-15, 12:30.
const DATE_LIKE = /^(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2})$/;
/** The fewest digits that can be a phone (a city number without its code). */
const PHONE_DIGITS = 7;

/**
 * The text with every phone-like sequence masked digit by digit («+7 (916) 123-45-67» becomes
 * «+• (•••) •••-••-••»). Deliberately broad: any run of seven or more digits, whatever its
 * separators, valid number or not, so a mistyped or foreign number is masked as well.
 */
export function maskPhones(text: string): string {
  return text.replace(DIGIT_RUN, (run) => {
    const digits = run.replace(/\D/g, "").length;
    return digits >= PHONE_DIGITS && !DATE_LIKE.test(run) ? run.replace(/\d/g, "•") : run;
  });
}

/** Free text (a message, a preview, a transcript, a reason) as this viewer may read it. */
export function redactText<T extends string | null | undefined>(viewer: Viewer, text: T): T {
  if (!text || !viewer.hiddenFields.has("contact.phone")) return text;
  return maskPhones(text) as T;
}

export type ContactFields = { profileUrl?: string | null; phone?: string | null; username?: string | null; firstTouch?: unknown };

export function redactContact<T extends ContactFields>(viewer: Viewer, contact: T): T {
  const out = { ...contact };
  if (viewer.hiddenFields.has("contact.profileUrl")) {
    if ("profileUrl" in out) out.profileUrl = null;
    // @name opens the profile as surely as the link does.
    if ("username" in out) out.username = null;
  }
  if (viewer.hiddenFields.has("contact.phone") && "phone" in out) out.phone = null;
  if (viewer.hiddenFields.has("conversation.attribution") && "firstTouch" in out) out.firstTouch = null;
  return out;
}

/** A stage as this viewer may see it: «Продажа» (the client paid) is payment data. */
export function redactStage<S extends LeadStage | null>(viewer: Viewer, stage: S): S | null {
  return stage === "won" && viewer.hiddenFields.has("payments") ? null : stage;
}

type ConversationFields = {
  attribution?: unknown;
  externalChatId?: string | null;
  businessConnectionId?: string | null;
  preview?: string | null;
  stage?: LeadStage | null;
  contact?: ContactFields;
};

type Redacted<T extends ConversationFields> = Omit<T, "externalChatId" | "businessConnectionId" | "stage"> &
  ("externalChatId" extends keyof T ? { externalChatId: T["externalChatId"] | null } : unknown) &
  ("businessConnectionId" extends keyof T ? { businessConnectionId: T["businessConnectionId"] | null } : unknown) &
  ("stage" extends keyof T ? { stage: T["stage"] | null } : unknown);

/**
 * A conversation row (the list's, the thread's header, the contact panel's) as this viewer may
 * see it: its contact, its attribution, its platform ids, its preview and its stage.
 */
export function redactConversation<T extends ConversationFields>(viewer: Viewer, row: T): Redacted<T> {
  const out: ConversationFields = { ...row };
  if (out.contact) out.contact = redactContact(viewer, out.contact);
  if (viewer.hiddenFields.has("conversation.attribution") && "attribution" in out) out.attribution = null;
  if (viewer.hiddenFields.has("contact.profileUrl")) {
    // A private chat's id is the client's platform id: vk.com/id…, tg://user?id=….
    if ("externalChatId" in out) out.externalChatId = null;
    if ("businessConnectionId" in out) out.businessConnectionId = null;
  }
  if ("preview" in out) out.preview = redactText(viewer, out.preview);
  if ("stage" in out && out.stage !== undefined) out.stage = redactStage(viewer, out.stage);
  return out as Redacted<T>;
}
