// Why a platform refused or failed, as stable codes with parameters: stored next to a failed
// message or import and worded by the UI in the reader's language (errors.* in packages/ui).
export const channelFailureCodes = [
  "channel.payloadTooLarge",
  "channel.badPayload",
  "channel.unsigned",
  "channel.unavailable",
  "channel.emptyMessage",
  "channel.fileRejected",
  "channel.fileNoLink",
  "channel.fileForeignHost",
  "channel.fileTooLarge",
  "channel.fileGone",
  "channel.fileRefRefused",
  "channel.fileTooBigForPlatform",
  "channel.utmTooLong",
  "channel.clientBlocked",
  "channel.clientDenied",
  "channel.clientDeleted",
  "channel.clientNeverWrote",
  "channel.chatNotFound",
  "channel.messageNotFound",
  "channel.messageTooOld",
  "channel.messageNotModified",
  "channel.messageTooLong",
  "channel.rejected",
  "channel.disabled",
  "channel.unconfirmed",
  "channel.fileNotStored",
  "channel.sendFailed",
  "channel.repeatedFailures",
  "channel.downloadFailed",
  "channel.vk.badPeer",
  "channel.vk.groupNotFound",
  "channel.vk.unknown",
  "channel.vk.badKey",
  "channel.vk.tooManyRequests",
  "channel.vk.noMessagesRight",
  "channel.vk.flood",
  "channel.vk.serverError",
  "channel.vk.accessDenied",
  "channel.vk.keyWrongMethod",
  "channel.vk.dailyLimit",
  "channel.vk.badParams",
  "channel.vk.badUser",
  "channel.vk.error",
  "channel.vk.noHistoryAnswer",
  "channel.telegram.retryAfter",
  "channel.telegram.badToken",
  "channel.telegram.fileTooBig",
  "channel.telegram.businessInvalid",
  "channel.telegram.webhookConflict",
  "channel.telegram.noFileId",
] as const;
export type ChannelFailureCode = (typeof channelFailureCodes)[number];

/** A failure's code and its parameters ({ seconds }, { platform }, …). */
export interface ChannelFailure {
  code: ChannelFailureCode;
  params?: Record<string, string | number>;
}

/**
 * The text kept in the database for a failure: the code, then its parameters as JSON after a
 * space. A reader that does not know the code shows the text as it is (rows written before codes).
 */
export function storedFailure(failure: ChannelFailure): string {
  return failure.params && Object.keys(failure.params).length > 0 ? `${failure.code} ${JSON.stringify(failure.params)}` : failure.code;
}
