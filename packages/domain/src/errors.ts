// Errors a person can act on carry a stable code and its parameters; the UI words them in the
// person's language (packages/ui i18n, `errors.*`). The message is the Russian wording, kept for
// logs and for clients that do not know the code. The tRPC layer maps `status` to the HTTP status.
import { channelFailureCodes } from "@threadline/channels";

export type ErrorStatus = "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "BAD_REQUEST" | "CONFLICT" | "TOO_MANY_REQUESTS";
export type ErrorParams = Record<string, string | number>;

/** What `notFound` may name, with the Russian word for the fallback message. */
const things = {
  object: "Объект",
  project: "Проект",
  conversation: "Диалог",
  member: "Сотрудник",
  channel: "Канал",
  template: "Шаблон",
  role: "Роль",
  invitation: "Приглашение",
  example: "Пример",
  notification: "Уведомление",
  importRun: "Импорт",
  payment: "Платёж",
  paymentAccount: "Платёжный счёт",
  trackedLink: "Ссылка",
} as const;
export type Thing = keyof typeof things;

/**
 * Every error code the server sends or stores. Both UI dictionaries translate each one (a test
 * holds them to it); a code is never renamed once shipped, since stored rows keep it.
 */
export const errorCodes = [
  ...Object.keys(things).map((t) => `notFound.${t as Thing}` as const),
  "access.forbidden",
  "auth.signInRequired",
  "auth.sessionEnded",
  "auth.badCredentials",
  "auth.tooManyAttempts",
  "auth.badCookie",
  "request.noBatch",
  "request.tooLarge",
  "request.failed",
  "request.badOrigin",
  "validation.invalid",
  "validation.required",
  "validation.tooShort",
  "validation.tooLong",
  "validation.tooSmall",
  "validation.tooLarge",
  "validation.tooFew",
  "validation.tooMany",
  "validation.email",
  "validation.format",
  "validation.date",
  "validation.periodReversed",
  "validation.periodTooLong",
  "validation.projectSlug",
  "validation.telegramToken",
  "project.slugTaken",
  "conversations.wonHidden",
  "conversations.memberInactive",
  "reply.empty",
  "reply.tooLong",
  "reply.contactDenied",
  "reply.fileMissing",
  "templates.titleRequired",
  "templates.textRequired",
  "templates.tooLong",
  "templates.tooMany",
  "staff.ownerKeepsManagement",
  "staff.ownerOnlyRole",
  "staff.ownerOnlyDisable",
  "staff.ownerOnlyRestore",
  "staff.ownerOnlyInvite",
  "staff.lastOwner",
  "staff.selfDisable",
  "staff.alreadyMember",
  "invitation.used",
  "invitation.revoked",
  "invitation.expired",
  "invitation.otherEmail",
  "invitation.passwordTooShort",
  "invitation.nameRequired",
  "invitation.accountExists",
  "invitation.alreadyMember",
  "invitation.disabled",
  "analytics.trafficHidden",
  "channels.tokenRejected",
  "channels.platformError",
  "channels.alreadyHere",
  "channels.elsewhere",
  "channels.vkCallbackRejected",
  "imports.vkOnly",
  "imports.running",
  "imports.wrongState",
  "imports.telegramOnly",
  "imports.fileEmpty",
  "imports.fileTooLarge",
  "imports.failed",
  "voice.textRequired",
  "voice.textTooLong",
  "voice.notConfigured",
  "voice.keyRejected",
  "voice.quota",
  "voice.busy",
  "voice.unavailable",
  "voice.rejected",
  "voice.badAudio",
  "voice.recordingMissing",
  "voice.recordingBroken",
  "voice.recordingFormat",
  "uploads.forbidden",
  "uploads.fileEmpty",
  "uploads.tooLarge",
  "uploads.badName",
  "uploads.failed",
  // Payments
  "payments.hidden",
  "payments.noAccount",
  "payments.accountStale",
  "payments.shopIdRequired",
  "payments.secretKeyRequired",
  "payments.providerFixed",
  "payments.amountInvalid",
  "payments.descriptionRequired",
  "payments.receiptContactMissing",
  "payments.providerTimeout",
  "payments.keyRejected",
  "payments.providerRejected",
  "payments.providerUnavailable",
  // Tracked links
  "links.tagsRequired",
  "links.tooLong",
  "links.badBot",
  "links.badCommunity",
  "links.tooMany",
  "links.duplicate",
  ...channelFailureCodes,
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly status: ErrorStatus,
    readonly code: ErrorCode,
    message: string,
    readonly params: ErrorParams = {},
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const notFound = (what: Thing = "object") => new DomainError("NOT_FOUND", `notFound.${what}`, `${things[what]} не найден`);
export const forbidden = (code: ErrorCode = "access.forbidden", message = "Недостаточно прав для этого действия", params?: ErrorParams) =>
  new DomainError("FORBIDDEN", code, message, params);
export const unauthorized = (code: ErrorCode = "auth.signInRequired", message = "Войдите в систему") => new DomainError("UNAUTHORIZED", code, message);
export const badRequest = (code: ErrorCode, message: string, params?: ErrorParams) => new DomainError("BAD_REQUEST", code, message, params);
export const conflict = (code: ErrorCode, message: string, params?: ErrorParams) => new DomainError("CONFLICT", code, message, params);
